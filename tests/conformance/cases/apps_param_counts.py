"""keras.applications built with weights=None: parameter counts, layer counts, output shapes,
include_top / pooling / classes options (small models only, to stay fast; VGG16/19, DenseNet121,
InceptionV3 and Xception counts were checked the same way)."""
import keras
from keras.applications import MobileNet, ResNet50, MobileNetV2, MobileNetV3Small

def describe(tag, m):
    report(tag + "_params", [m.count_params(), len(m.trainable_weights), len(m.non_trainable_weights)])
    report(tag + "_layers", len(m.layers))
    report(tag + "_out", list(m.output_shape))
    report(tag + "_name", m.name)

describe("mobilenet", MobileNet(weights=None, input_shape=(32, 32, 3), alpha=0.25, classes=10))
describe("mobilenet_pool", MobileNet(weights=None, include_top=False, pooling='avg', input_shape=(32, 32, 3), alpha=0.5))
describe("mobilenetv2", MobileNetV2(weights=None, input_shape=(32, 32, 3), alpha=0.35, classes=7))
describe("mobilenetv3small", MobileNetV3Small(weights=None, input_shape=(32, 32, 3), alpha=0.75, classes=3))
m = ResNet50(weights=None, include_top=False, input_shape=(32, 32, 3))
describe("resnet50_notop", m)
report("resnet50_first_layers", [l.name for l in m.layers[:8]])
report("resnet50_last_layers", [l.name for l in m.layers[-4:]])
