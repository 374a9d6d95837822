"""spectral_norm, ParameterList/ParameterDict and register_buffer on array-api-strict.

``spectral_norm``'s power-iteration vectors are buffers on the weight's device: drawn on the
host from the seeded generator (so ``gg.manual_seed`` gives numpy's start vectors), moved,
and refined in place there. Forward values, the refined vectors and the gradients equal
numpy's on ``array_api_strict`` (its default device), ``device1`` (a second device: any
silent copy to numpy raises there) and ``no_float64``. The containers and
``register_buffer`` wrap a device array where it lives.
"""
import numpy as np
import pytest

import graphgrad as gg
from graphgrad import nn
from graphgrad.nn.utils import remove_spectral_norm, spectral_norm
from tests.portability.nn_device_checks import (
    DEVICES,
    assert_gradients_alike,
    dtype_on,
    host,
    tolerance_on,
)

pytest.importorskip("array_api_strict")

LAYERS = {"linear": (lambda: nn.Linear(5, 3), (4, 5), {}),
          "conv-transpose": (lambda: nn.ConvTranspose2d(2, 3, 2), (1, 2, 3, 3),
                             {"n_power_iterations": 2})}


def _spectral(name, where, dtype, normalize_on_device):
    """Two training forwards (power iteration each) and one in eval; gradients of all three.

    With ``normalize_on_device`` the layer moves to ``where`` first and ``spectral_norm``
    draws its vectors for the device weight; otherwise it moves with its buffers afterwards.
    """
    make, shape, kwargs = LAYERS[name]
    gg.manual_seed(5)
    layer = make().to("cpu", dtype)
    if normalize_on_device:
        layer = spectral_norm(layer.to(where), **kwargs)
    else:
        layer = spectral_norm(layer, **kwargs).to(where)
    rng = np.random.default_rng(5)
    outputs = []
    for training in (True, True, False):
        layer.train(training)
        out = layer(gg.tensor(rng.standard_normal(shape).astype(dtype), device=where))
        (out ** 2).sum().backward()
        outputs.append(out)
    return outputs, layer


@pytest.mark.parametrize("where", DEVICES)
@pytest.mark.parametrize("normalize_on_device", [True, False], ids=["drawn-for-device", "moved"])
@pytest.mark.parametrize("name", list(LAYERS))
def test_spectral_norm_on_a_device_matches_numpy(name, normalize_on_device, where):
    dtype, tolerance = dtype_on(where), tolerance_on(where)
    outputs, layer = _spectral(name, where, dtype, normalize_on_device)
    expected, e_layer = _spectral(name, "cpu", dtype, normalize_on_device)
    for a, b in zip(outputs, expected):
        assert str(a.device) == where
        np.testing.assert_allclose(host(a), host(b), **tolerance)
    for buffer in ("weight_u", "weight_v"):
        got, want = getattr(layer, buffer), getattr(e_layer, buffer)
        assert str(got.device) == where and got.dtype == want.dtype
        np.testing.assert_allclose(host(got), host(want), **tolerance)
    assert_gradients_alike(layer, e_layer, where)
    remove_spectral_norm(layer)
    remove_spectral_norm(e_layer)
    assert str(layer.weight.device) == where
    np.testing.assert_allclose(host(layer.weight), host(e_layer.weight), **tolerance)


@pytest.mark.parametrize("where", DEVICES)
def test_parameter_containers_and_buffers_wrap_a_device_array_where_it_lives(where):
    arrays = [gg.ones((2,), dtype=dtype_on(where), device=where).data,
              gg.zeros((2, 3), dtype=dtype_on(where), device=where).data]
    plist = nn.ParameterList(arrays)
    pdict = nn.ParameterDict({"scale": arrays[0], "shift": arrays[1]})
    module = nn.Module()
    module.register_buffer("count", arrays[1])
    for p in list(plist) + list(pdict.values()) + [module.count]:
        assert str(p.device) == where
    assert all(isinstance(p, nn.Parameter) and p.requires_grad for p in plist)
    assert not module.count.requires_grad and list(module.state_dict()) == ["count"]
    np.testing.assert_array_equal(host(pdict["shift"]), np.zeros((2, 3)))
    with pytest.raises(TypeError, match="ParameterList: entries must be Parameters"):
        nn.ParameterList([[1.0, 2.0]])
