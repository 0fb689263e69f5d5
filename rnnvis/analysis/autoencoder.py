"""The source article's projection: a small denoising autoencoder with a 2- or 3-unit linear
bottleneck, trained (Keras, Adam, mean squared error) on sampled states with Gaussian input
noise (sd 0.1). Five dense layers: two tanh layers, the linear bottleneck, two back out.

Projecting runs the fitted encoder in numpy (no TensorFlow call per sentence).
"""

from __future__ import annotations

import numpy as np

from .projection import Projection, _states

__all__ = ["AutoencoderProjection", "HIDDEN", "NOISE"]

HIDDEN = (64, 32)   # widths of the layers around the bottleneck
NOISE = 0.1


class AutoencoderProjection(Projection):
    """Denoising autoencoder projection. ``quality_``: ``reconstruction_error`` (the mean squared
    error of the clean sample's reconstruction) and ``relative_error`` (that over the states'
    total variance: the share of the variance the picture loses, comparable to 1 - PCA's total).
    """

    method = "autoencoder"
    epochs = None        # None: about 2,000 batches, 5 to 40 passes over the sample
    batch_size = 128

    def fit(self, X) -> "AutoencoderProjection":
        from ..console import import_tensorflow

        import_tensorflow()   # quietly, and as Keras's backend
        import keras

        X = _states(X)
        keras.utils.set_random_seed(self.random_state)
        d = X.shape[1]
        inputs = keras.Input((d,))
        x = keras.layers.GaussianNoise(NOISE)(inputs)
        encoder_layers = [keras.layers.Dense(HIDDEN[0], activation="tanh"),
                          keras.layers.Dense(HIDDEN[1], activation="tanh"),
                          keras.layers.Dense(self.n_components, activation="linear")]
        for layer in encoder_layers:
            x = layer(x)
        self.encoder_ = keras.Model(inputs, x)   # Keras' own encoder (noise is off outside fit)
        x = keras.layers.Dense(HIDDEN[1], activation="tanh")(x)
        x = keras.layers.Dense(HIDDEN[0], activation="tanh")(x)
        outputs = keras.layers.Dense(d, activation="linear")(x)
        model = keras.Model(inputs, outputs)
        model.compile(optimizer=keras.optimizers.Adam(0.003), loss="mse")
        batches = -(-len(X) // self.batch_size)
        epochs = self.epochs or int(np.clip(round(2000 / batches), 5, 40))
        model.fit(X, X, epochs=epochs, batch_size=self.batch_size, shuffle=True, verbose=0)
        self.weights_ = [w.astype(np.float32) for layer in encoder_layers for w in layer.get_weights()]
        mse = float(np.mean((model.predict(X, batch_size=1024, verbose=0) - X) ** 2))
        var = float(X.var(axis=0).sum()) / d
        self.quality_ = {"reconstruction_error": mse,
                         "relative_error": mse / var if var > 0 else 0.0}
        self.embedding_ = self.transform(X)
        return self

    def transform(self, X) -> np.ndarray:
        """The bottleneck's values: tanh(tanh(X W1 + b1) W2 + b2) W3 + b3."""
        w1, b1, w2, b2, w3, b3 = self.weights_
        return (np.tanh(np.tanh(_states(X) @ w1 + b1) @ w2 + b2) @ w3 + b3).astype(np.float32)

    def _arrays(self):
        return {f"w{i}": w for i, w in enumerate(self.weights_)}

    def _restore(self, arrays):
        self.weights_ = [np.asarray(arrays[f"w{i}"]) for i in range(6)]
