"""Function transforms: jacobian, hessian, vjp, jvp (being built; see issue 4)."""
