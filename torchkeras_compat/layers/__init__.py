"""``keras.layers``: every layer class, the ``Input`` function and the merge functions."""
from ..engine.base_layer import InputSpec, Layer
from ..engine.input_layer import Input, InputLayer
from .core import (Activation, ActivityRegularization, Dense, Dropout, Flatten, Identity, Lambda,
                   Masking, Permute, RepeatVector, Rescaling, Reshape, TorchModuleWrapper)
from .attention import AdditiveAttention, Attention, MultiHeadAttention
from .convolutional import (AtrousConvolution1D, AtrousConvolution2D, Conv1D, Conv1DTranspose, Conv2D, Conv2DTranspose, Conv3D, Conv3DTranspose,
                            Convolution1D, Convolution1DTranspose, Convolution2D, Convolution2DTranspose,
                            Convolution3D, Convolution3DTranspose, Cropping1D, Cropping2D, Cropping3D,
                            Deconv2D, Deconv3D, Deconvolution2D, Deconvolution3D, DepthwiseConv1D,
                            DepthwiseConv2D, SeparableConv1D, SeparableConv2D, SeparableConvolution1D,
                            SeparableConvolution2D, UpSampling1D, UpSampling2D, UpSampling3D,
                            ZeroPadding1D, ZeroPadding2D, ZeroPadding3D)
from .pooling import (AveragePooling1D, AveragePooling2D, AveragePooling3D, AvgPool1D, AvgPool2D,
                      AvgPool3D, GlobalAveragePooling1D, GlobalAveragePooling2D, GlobalAveragePooling3D,
                      GlobalAvgPool1D, GlobalAvgPool2D, GlobalAvgPool3D, GlobalMaxPool1D, GlobalMaxPool2D,
                      GlobalMaxPool3D, GlobalMaxPooling1D, GlobalMaxPooling2D, GlobalMaxPooling3D,
                      MaxPool1D, MaxPool2D, MaxPool3D, MaxPooling1D, MaxPooling2D, MaxPooling3D)
from .local import LocallyConnected1D, LocallyConnected2D
from .recurrent import (GRU, LSTM, RNN, AbstractRNNCell, CuDNNGRU, CuDNNLSTM, GRUCell, LSTMCell, SimpleRNN,
                        SimpleRNNCell, StackedRNNCells)
from .convolutional_recurrent import ConvLSTM1D, ConvLSTM1DCell, ConvLSTM2D, ConvLSTM2DCell, ConvLSTM3D
from .wrappers import Bidirectional, TimeDistributed, Wrapper
from .embeddings import Embedding
from .merge import (Add, Average, Concatenate, Dot, Maximum, Minimum, Multiply, Subtract, add, average,
                    Merge, concatenate, dot, maximum, merge, minimum, multiply, subtract)
from .normalization import BatchNormalization, GroupNormalization, LayerNormalization, UnitNormalization
from .noise import (AlphaDropout, GaussianDropout, GaussianNoise, SpatialDropout1D, SpatialDropout2D,
                    SpatialDropout3D)
from .advanced_activations import ELU, LeakyReLU, PReLU, ReLU, Softmax, ThresholdedReLU
from .preprocessing import (CenterCrop, Normalization, RandomBrightness, RandomContrast, RandomCrop,
                            RandomFlip, RandomHeight, RandomRotation, RandomTranslation, RandomWidth,
                            RandomZoom, Resizing)
from .einsum_dense import EinsumDense
from .lookup import CategoryEncoding, Discretization, Hashing, IntegerLookup, StringLookup, TextVectorization
from . import experimental  # noqa: E402  keras.layers.experimental.preprocessing (TF 2.2-2.5 path)


def serialize(layer) -> dict:
    """tf.keras 2.21's form: {'module', 'class_name', 'config', 'registered_name'}."""
    from ..engine import registry
    return registry.serialize(layer, module="keras.layers")


def deserialize(config, custom_objects=None):
    from ..engine import registry
    return registry.deserialize("layer", config, custom_objects, what="layer")
