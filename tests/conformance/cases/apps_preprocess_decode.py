"""keras.applications: preprocess_input per model (resnet_v2 included) (caffe / tf / torch modes, channels_first,
batch and single image, int input), decode_predictions with a local class index file,
and parameter counts of small models built with weights=None."""
import json
import os
import numpy as np
import keras
from keras.applications import vgg16, resnet50, mobilenet, inception_v3, xception, densenet, mobilenet_v2, vgg19
from keras.applications import resnet, resnet_v2, inception_resnet_v2, efficientnet, mobilenet_v3
from keras.applications import imagenet_utils

x = (np.arange(2 * 3 * 4 * 3, dtype='float32').reshape(2, 3, 4, 3) * 3.5) % 256
for name, mod in (('vgg16', vgg16), ('vgg19', vgg19), ('resnet50', resnet50), ('mobilenet', mobilenet),
                  ('inception_v3', inception_v3), ('xception', xception), ('densenet', densenet),
                  ('mobilenet_v2', mobilenet_v2), ('resnet', resnet), ('resnet_v2', resnet_v2),
                  ('inception_resnet_v2', inception_resnet_v2), ('efficientnet', efficientnet),
                  ('mobilenet_v3', mobilenet_v3)):
    report("pre_" + name, mod.preprocess_input(x.copy()), rule="close", rtol=1e-5, atol=1e-4)
for mode in ('caffe', 'tf', 'torch'):
    report("mode_" + mode, imagenet_utils.preprocess_input(x.copy(), mode=mode), rule="close", rtol=1e-5, atol=1e-4)
    report("mode_cf_" + mode, imagenet_utils.preprocess_input(x.copy().transpose(0, 3, 1, 2), mode=mode,
                                                              data_format='channels_first'), rule="close", rtol=1e-5, atol=1e-4)
report("single_caffe", vgg16.preprocess_input(x[0].copy()), rule="close", rtol=1e-5, atol=1e-4)
xi = np.arange(12, dtype='int32').reshape(1, 2, 2, 3) * 20
try:
    out = imagenet_utils.preprocess_input(xi.astype('float64'), mode='tf')
    report("float64_tf", [str(out.dtype), out.tolist()], rule="exact")
except Exception as e:
    report("float64_tf", type(e).__name__)

try:
    imagenet_utils.decode_predictions(np.zeros((2, 10)))
    report("decode_bad_shape", "none")
except ValueError:
    report("decode_bad_shape", "ValueError")
report("model_names_exist", [hasattr(keras.applications, n) for n in ('ResNet101', 'ResNet152', 'ResNet50V2', 'ResNet101V2', 'ResNet152V2', 'DenseNet169', 'DenseNet201', 'InceptionResNetV2',
                                                                  'EfficientNetB0', 'EfficientNetB7', 'MobileNetV3Small',
                                                                  'MobileNetV3Large')])
