// One catch macro for the whole ABI: a C++ exception never crosses into managed code; its message
// is stored per thread and the call returns -1.
#pragma once
#include <string>
#include <ATen/ATen.h>
#include "mlx.h"

namespace mlx {
void set_error(const std::string& msg);
void clear_error();
inline at::Tensor& T(mlx_tensor t) {
  if (t == nullptr) throw std::invalid_argument("null tensor handle");
  return *static_cast<at::Tensor*>(t);
}
inline mlx_tensor wrap(at::Tensor t) { return new at::Tensor(std::move(t)); }
}  // namespace mlx

#define MLX_TRY try {
#define MLX_CATCH                                                     \
  return 0;                                                           \
  }                                                                   \
  catch (const c10::Error& e) {                                       \
    mlx::set_error(e.what_without_backtrace());                       \
  }                                                                   \
  catch (const std::exception& e) {                                   \
    mlx::set_error(e.what());                                         \
  }                                                                   \
  catch (...) {                                                       \
    mlx::set_error("unknown native error");                           \
  }                                                                   \
  return -1;
