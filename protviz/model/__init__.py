"""The neural networks: encoding, layers, architectures, training, the run store,
run archives and training jobs. The only sub-package that imports TensorFlow/Keras.
"""
