"""Image utilities: img_to_array / array_to_img / load_img with target_size, color_mode,
interpolation; save_img; smart_resize; data_format channels_first."""
import numpy as np
from PIL import Image
from keras.preprocessing import image
from keras.preprocessing.image import img_to_array, array_to_img, load_img

arr = np.zeros((6, 8, 3), dtype=np.uint8)
arr[..., 0] = np.arange(8)[None, :] * 30
arr[..., 1] = np.arange(6)[:, None] * 40
arr[..., 2] = 100
Image.fromarray(arr).save('a.png')
Image.fromarray(arr).convert('RGBA').save('b.png')

im = load_img('a.png')
report("load_size_mode", [im.size, im.mode])
x = img_to_array(im)
report("img_to_array", [list(x.shape), str(x.dtype)])
report("img_to_array_values", x[:, :, 0])
report("cf_shape", list(img_to_array(im, data_format='channels_first').shape))
report("int_dtype", str(img_to_array(im, dtype='uint8').dtype))
g = load_img('a.png', color_mode='grayscale')
report("gray", [g.mode, list(img_to_array(g).shape)])
report("gray_values", img_to_array(g)[:, :, 0], rule="close", atol=1)
report("legacy_grayscale", list(img_to_array(load_img('a.png', grayscale=True)).shape))
report("rgba", [load_img('b.png', color_mode='rgba').mode, load_img('b.png').mode])
for interp in ('nearest', 'bilinear', 'bicubic'):
    r = load_img('a.png', target_size=(3, 4), interpolation=interp)
    report("resize_" + interp, img_to_array(r)[:, :, 0], rule="close", atol=1)
report("resize_size", load_img('a.png', target_size=(3, 5)).size)
fimg = array_to_img(np.linspace(0, 1, 24).reshape(2, 4, 3))
report("array_to_img_scaled", [fimg.mode, fimg.size, np.asarray(fimg).tolist()])
nimg = array_to_img(np.linspace(0, 1, 24).reshape(2, 4, 3) * 255, scale=False)
report("array_to_img_noscale", np.asarray(nimg).tolist())
report("array_to_img_gray", array_to_img(np.ones((3, 2, 1))).mode)
report("array_to_img_cf", array_to_img(np.ones((3, 2, 5)), data_format='channels_first').size)
image.save_img('c.png', x)
report("save_img_roundtrip", np.array_equal(img_to_array(load_img('c.png')), x))
sr = image.smart_resize(x, (3, 3))
report("smart_resize", [list(sr.shape), str(sr.dtype)])
report("smart_resize_vals", sr[:, :, 0], rule="close", rtol=1e-4, atol=1e-3)
report("smart_resize_batch", list(image.smart_resize(np.stack([x, x]), (4, 4)).shape))
try:
    array_to_img(np.ones((3, 3)))
    report("bad_ndim", "none")
except ValueError:
    report("bad_ndim", "ValueError")
try:
    load_img('a.png', color_mode='cmyk')
    report("bad_color_mode", "none")
except ValueError:
    report("bad_color_mode", "ValueError")
