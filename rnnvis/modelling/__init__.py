"""Modelling: YAML configs, Keras models built from them, training, and the model folders.

``config`` (validated dataclasses) -> ``models`` (Keras 3) -> ``training`` (checkpoints,
resume) -> ``modeldir`` (``$RNNVIS_HOME/models/NAME/``) -> ``manager`` (name -> trained model).
``cells`` holds what each cell type records, without importing TensorFlow.
"""
