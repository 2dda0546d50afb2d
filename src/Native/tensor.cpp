// Tensor handles: creation from host buffers, copy-out, metadata, device/dtype conversion.
#include <cstring>
#include "error.h"

using mlx::T;

MLX_API void mlx_tensor_free(mlx_tensor t) { delete static_cast<at::Tensor*>(t); }

MLX_API int mlx_tensor_from_data(const void* data, int64_t nbytes, const int64_t* shape, int32_t ndim,
                                 int32_t dtype, mlx_tensor* out) {
  MLX_TRY
  auto st = static_cast<at::ScalarType>(dtype);
  std::vector<int64_t> sizes(shape, shape + ndim);
  auto result = at::empty(sizes, at::TensorOptions().dtype(st));
  int64_t expected = result.numel() * static_cast<int64_t>(result.element_size());
  if (expected != nbytes)
    throw std::invalid_argument("buffer holds " + std::to_string(nbytes) + " bytes but shape " +
                                c10::str(result.sizes()) + " of " + std::string(c10::toString(st)) +
                                " needs " + std::to_string(expected));
  if (nbytes > 0) std::memcpy(result.data_ptr(), data, static_cast<size_t>(nbytes));
  *out = mlx::wrap(std::move(result));
  MLX_CATCH
}

MLX_API int mlx_tensor_copy_to(mlx_tensor t, void* dst, int64_t nbytes) {
  MLX_TRY
  auto& x = T(t);
  auto host = x.detach().to(at::kCPU).contiguous();
  int64_t have = host.numel() * static_cast<int64_t>(host.element_size());
  if (have != nbytes)
    throw std::invalid_argument("destination holds " + std::to_string(nbytes) + " bytes but the tensor has " +
                                std::to_string(have));
  if (nbytes > 0) std::memcpy(dst, host.data_ptr(), static_cast<size_t>(nbytes));
  MLX_CATCH
}

MLX_API int mlx_tensor_info(mlx_tensor t, int32_t* ndim, int32_t* dtype, int32_t* device_type,
                            int32_t* device_index, int64_t* numel) {
  MLX_TRY
  auto& x = T(t);
  if (!x.defined()) throw std::invalid_argument("undefined tensor");
  *ndim = static_cast<int32_t>(x.dim());
  *dtype = static_cast<int32_t>(x.scalar_type());
  *device_type = static_cast<int32_t>(x.device().type());
  *device_index = x.device().index();
  *numel = x.numel();
  MLX_CATCH
}

MLX_API int mlx_tensor_shape(mlx_tensor t, int64_t* shape, int32_t capacity) {
  MLX_TRY
  auto& x = T(t);
  if (x.dim() > capacity) throw std::invalid_argument("shape buffer too small");
  for (int64_t i = 0; i < x.dim(); ++i) shape[i] = x.size(i);
  MLX_CATCH
}

MLX_API int mlx_tensor_to(mlx_tensor t, int32_t device_type, int32_t device_index, int32_t dtype,
                          int32_t non_blocking, mlx_tensor* out) {
  MLX_TRY
  auto& x = T(t);
  at::Device dev(static_cast<c10::DeviceType>(device_type), static_cast<c10::DeviceIndex>(device_index));
  auto st = dtype < 0 ? x.scalar_type() : static_cast<at::ScalarType>(dtype);
  *out = mlx::wrap(x.to(dev, st, non_blocking != 0, /*copy=*/false));
  MLX_CATCH
}

MLX_API int mlx_tensor_shallow_clone(mlx_tensor t, mlx_tensor* out) {
  MLX_TRY
  *out = mlx::wrap(T(t));
  MLX_CATCH
}

MLX_API int mlx_tensor_defined(mlx_tensor t, int32_t* out) {
  MLX_TRY
  *out = T(t).defined() ? 1 : 0;
  MLX_CATCH
}
