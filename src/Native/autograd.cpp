// Autograd entry points: backward, .grad, requires_grad, grad mode.
#include <ATen/core/grad_mode.h>
#include <torch/csrc/autograd/autograd.h>
#include "error.h"

using mlx::T;

MLX_API int mlx_backward(mlx_tensor t, mlx_tensor grad_or_null, int32_t retain_graph, int32_t create_graph) {
  MLX_TRY
  auto& x = T(t);
  at::Tensor g = grad_or_null ? T(grad_or_null) : at::Tensor();
  x.backward(g, retain_graph != 0 ? c10::optional<bool>(true) : c10::optional<bool>(create_graph != 0),
             create_graph != 0);
  MLX_CATCH
}

MLX_API int mlx_grad(mlx_tensor t, mlx_tensor* out) {
  MLX_TRY
  auto g = T(t).grad();
  *out = g.defined() ? mlx::wrap(g) : nullptr;
  MLX_CATCH
}

MLX_API int mlx_set_grad(mlx_tensor t, mlx_tensor grad_or_null) {
  MLX_TRY
  T(t).mutable_grad() = grad_or_null ? T(grad_or_null) : at::Tensor();
  MLX_CATCH
}

MLX_API int mlx_requires_grad(mlx_tensor t, int32_t* out) {
  MLX_TRY
  *out = T(t).requires_grad() ? 1 : 0;
  MLX_CATCH
}

MLX_API int mlx_set_requires_grad(mlx_tensor t, int32_t value) {
  MLX_TRY
  T(t).set_requires_grad(value != 0);
  MLX_CATCH
}

MLX_API int mlx_zero_grad(mlx_tensor t, int32_t set_to_none) {
  MLX_TRY
  auto& g = T(t).mutable_grad();
  if (g.defined()) {
    if (set_to_none) {
      g = at::Tensor();
    } else {
      g = g.detach();
      g.zero_();
    }
  }
  MLX_CATCH
}

MLX_API int mlx_grad_enabled(int32_t* out) {
  MLX_TRY
  *out = at::GradMode::is_enabled() ? 1 : 0;
  MLX_CATCH
}

MLX_API int mlx_set_grad_enabled(int32_t value) {
  MLX_TRY
  at::GradMode::set_enabled(value != 0);
  MLX_CATCH
}

// torch.autograd.grad: gradients of sum(outputs * grad_outputs) w.r.t. inputs, returned (not accumulated into .grad).
// With create_graph the results are differentiable again (second-order methods such as MAML).
MLX_API int mlx_autograd_grad(const mlx_tensor* outputs, int32_t noutputs, const mlx_tensor* grad_outputs,
                              const mlx_tensor* inputs, int32_t ninputs, int32_t retain_graph, int32_t create_graph,
                              int32_t allow_unused, mlx_tensor* results) {
  MLX_TRY
  std::vector<at::Tensor> outs, gouts, ins;
  for (int32_t i = 0; i < noutputs; ++i) {
    outs.push_back(T(outputs[i]));
    gouts.push_back(grad_outputs && grad_outputs[i] ? T(grad_outputs[i]) : at::Tensor());
  }
  for (int32_t i = 0; i < ninputs; ++i) ins.push_back(T(inputs[i]));
  auto grads = torch::autograd::grad(outs, ins, gouts,
                                     retain_graph != 0 ? c10::optional<bool>(true) : c10::optional<bool>(create_graph != 0),
                                     create_graph != 0, allow_unused != 0);
  for (int32_t i = 0; i < ninputs; ++i) results[i] = grads[i].defined() ? mlx::wrap(grads[i]) : nullptr;
  MLX_CATCH
}
