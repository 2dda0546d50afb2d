// Process-wide runtime: seeds, threads, CUDA queries, generators, version.
#include <ATen/Parallel.h>
#include <ATen/CPUGeneratorImpl.h>
#include <torch/cuda.h>
#include <torch/utils.h>
#include <torch/version.h>
#ifdef MLX_WITH_CUDA
#include <ATen/cuda/CUDAContext.h>
#include <ATen/cuda/CUDAGeneratorImpl.h>
#include <cuda_runtime_api.h>
#endif
#include <malloc.h>
#include "error.h"

MLX_API int mlx_manual_seed(uint64_t seed) {
  MLX_TRY
  torch::manual_seed(seed);  // seeds the CPU generator and, where present, every CUDA device's
  MLX_CATCH
}

MLX_API int mlx_set_num_threads(int32_t n) {
  MLX_TRY
  if (n <= 0) throw std::invalid_argument("thread count must be positive");
  at::set_num_threads(n);
  MLX_CATCH
}

MLX_API int mlx_get_num_threads(int32_t* out) {
  MLX_TRY
  *out = at::get_num_threads();
  MLX_CATCH
}

MLX_API int mlx_cuda_is_available(int32_t* out) {
  MLX_TRY
  *out = torch::cuda::is_available() ? 1 : 0;
  MLX_CATCH
}

MLX_API int mlx_cuda_device_count(int32_t* out) {
  MLX_TRY
  *out = static_cast<int32_t>(torch::cuda::device_count());
  MLX_CATCH
}

MLX_API int mlx_cuda_memory(int32_t device, int64_t* free_bytes, int64_t* total_bytes) {
  MLX_TRY
#ifdef MLX_WITH_CUDA
  int previous = 0;
  cudaGetDevice(&previous);
  if (cudaSetDevice(device) != cudaSuccess) throw std::invalid_argument("no CUDA device " + std::to_string(device));
  size_t f = 0, t = 0;
  auto rc = cudaMemGetInfo(&f, &t);
  cudaSetDevice(previous);
  if (rc != cudaSuccess) throw std::runtime_error(cudaGetErrorString(rc));
  *free_bytes = static_cast<int64_t>(f);
  *total_bytes = static_cast<int64_t>(t);
#else
  (void)device;
  *free_bytes = 0;
  *total_bytes = 0;
  throw std::runtime_error("this native library was built against a libtorch without CUDA");
#endif
  MLX_CATCH
}

MLX_API int mlx_cuda_synchronize(int32_t device) {
  MLX_TRY
#ifdef MLX_WITH_CUDA
  torch::cuda::synchronize(device);
#else
  (void)device;
#endif
  MLX_CATCH
}

MLX_API int mlx_generator_create(uint64_t seed, int32_t device_type, int32_t device_index, mlx_generator* out) {
  MLX_TRY
  at::Generator g;
  if (device_type == static_cast<int32_t>(c10::DeviceType::CPU)) {
    g = at::detail::createCPUGenerator(seed);
  } else {
#ifdef MLX_WITH_CUDA
    g = at::cuda::detail::createCUDAGenerator(static_cast<c10::DeviceIndex>(device_index));
    g.set_current_seed(seed);
#else
    (void)device_index;
    throw std::invalid_argument("CUDA generators need a native library built against a CUDA libtorch");
#endif
  }
  *out = new at::Generator(std::move(g));
  MLX_CATCH
}

MLX_API void mlx_generator_free(mlx_generator g) { delete static_cast<at::Generator*>(g); }

MLX_API int mlx_version(const char** out) {
  MLX_TRY
  static const std::string v = std::string("libtorch ") + TORCH_VERSION;
  *out = v.c_str();
  MLX_CATCH
}

// glibc malloc: large tensors (activations, gradients) above the mmap threshold are mapped and unmapped on every
// step, and each fresh mapping is page-faulted and zeroed again. glibc raises that threshold by itself after the
// first frees in a plain process, but not reliably inside a managed runtime; fixing it (and the trim threshold)
// keeps those buffers on the heap for reuse. Measured: an MLP backward pass went from ~3.5x python3-torch's time
// to parity.
MLX_API int mlx_tune_allocator(int64_t mmap_threshold, int64_t trim_threshold) {
  MLX_TRY
  if (mmap_threshold > 0 && mallopt(M_MMAP_THRESHOLD, static_cast<int>(mmap_threshold)) != 1)
    throw std::invalid_argument("mallopt(M_MMAP_THRESHOLD) refused " + std::to_string(mmap_threshold));
  if (trim_threshold > 0 && mallopt(M_TRIM_THRESHOLD, static_cast<int>(trim_threshold)) != 1)
    throw std::invalid_argument("mallopt(M_TRIM_THRESHOLD) refused " + std::to_string(trim_threshold));
  MLX_CATCH
}
