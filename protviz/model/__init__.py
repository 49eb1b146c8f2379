"""The neural networks: encoding, layers, architectures, training, the run store,
run archives and training jobs. The only sub-package that imports TensorFlow/Keras.

Keras is imported (at their top) by ``layers``, ``architectures``, ``batches``
(``tf.data`` pipelines), ``training``, ``saved`` (loading models) and ``archive``.
The rest never import it, so light callers can use them: ``encoding`` (tokens,
truncation, batch plans), ``splits``, ``metrics``, ``progress``, ``runs`` (the run
store), and the training jobs: ``jobs`` (their folders in the store), ``worker``
(runs one job with the trainer it is given), ``scheduler`` (a server's thread that
starts workers as processes) and ``processes`` (is a worker alive).
"""
