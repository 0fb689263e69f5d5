"""Bring your own model: import Keras, ONNX and safetensors models and LSTMVis states as model
folders, and export models for LSTMVis or Keras.

Each reader turns a file into a :class:`~rnnvis.importing.network.Network` in Keras layouts
(``keras_file``, ``onnx_file``, ``safetensors_file``; gate layouts in ``gates``); ``vocabfile``
reads and aligns the vocabulary; ``importer`` writes the model folder; ``lstmvis`` and
``states`` handle LSTMVis's files; ``exporter`` writes them back; ``yamlfile`` reads the
small YAML files (a mapping, a data section, lstm.yml).
"""

from .exporter import EXPORT_PARAMS, export_model
from .importer import FORMATS, IMPORT_PARAMS, ImportSummary, import_model

__all__ = ["import_model", "export_model", "IMPORT_PARAMS", "EXPORT_PARAMS", "FORMATS",
           "ImportSummary"]
