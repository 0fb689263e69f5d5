"""Recording: run a trained model over text and keep every state of every layer.

``recorder`` (compiled TensorFlow over the model's own cells, checked against ``reference``,
plain numpy) -> ``statestore`` (HDF5) and ``responses`` (expected responses, streamed) ->
``evaluation`` (a split, and questions about its words and units); ``sentence`` records typed text.
"""
