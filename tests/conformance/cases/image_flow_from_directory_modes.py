"""flow_from_directory class modes (binary, sparse, input, None), classes= selection,
validation_split subsets, color_mode grayscale, nested folders, follow order; flow_from_dataframe
is not touched."""
import os
import numpy as np
from PIL import Image
from keras.preprocessing.image import ImageDataGenerator


def write_png(path, value):
    arr = np.full((4, 5, 3), value, dtype=np.uint8)
    Image.fromarray(arr).save(path)


for cls, values in (('b_dogs', [200, 210, 220]), ('a_cats', [10, 20, 30, 40]), ('c_birds', [90])):
    os.makedirs(os.path.join('data', cls))
    for i, v in enumerate(values):
        write_png(os.path.join('data', cls, 'img%02d.png' % (9 - i)), v)
os.makedirs(os.path.join('data', 'a_cats', 'sub'))
write_png(os.path.join('data', 'a_cats', 'sub', 'deep.jpg'), 50)

gen = ImageDataGenerator()
for mode in ('binary', 'sparse', 'categorical', 'input', None):
    it = gen.flow_from_directory('data', target_size=(4, 5), batch_size=3, class_mode=mode,
                                 shuffle=False, classes=['a_cats', 'b_dogs'] if mode == 'binary' else None)
    b = it[0]
    name = str(mode)
    if isinstance(b, tuple):
        report(name + "_shapes", [list(v.shape) for v in b])
        report(name + "_y", b[1] if mode != 'input' else b[1][:, 0, 0, 0])
        report(name + "_y_dtype", str(b[1].dtype))
    else:
        report(name + "_shape", list(b.shape))
    report(name + "_filenames", [f.replace(os.sep, '/') for f in it.filenames])
    report(name + "_classes", np.asarray(it.classes).tolist())
    report(name + "_class_indices", it.class_indices)

v = ImageDataGenerator(validation_split=0.34)
tr = v.flow_from_directory('data', target_size=(4, 5), subset='training', shuffle=False)
va = v.flow_from_directory('data', target_size=(4, 5), subset='validation', shuffle=False)
report("split_train_files", [f.replace(os.sep, '/') for f in tr.filenames])
report("split_val_files", [f.replace(os.sep, '/') for f in va.filenames])
report("split_counts", [tr.samples, va.samples, len(tr), len(va)])
gr = gen.flow_from_directory('data', target_size=(2, 2), color_mode='grayscale', batch_size=2, shuffle=False)
report("gray_shape", list(gr[0][0].shape))
report("num_classes", gr.num_classes)
report("image_shape", list(gr.image_shape))
report("labels", gr.labels.tolist())
report("filepaths_rel", [os.path.relpath(p).replace(os.sep, '/') for p in gr.filepaths])
nb = gen.flow_from_directory('data', target_size=(4, 5), batch_size=3, shuffle=False)
report("next_then_next", [nb.next()[1].argmax(1).tolist(), next(nb)[1].argmax(1).tolist()])
