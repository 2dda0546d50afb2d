// Image decode + resize with OpenCV into a uint8 [H, W, C] tensor (RGB order for colour).
// Built without OpenCV (MLX_WITH_OPENCV undefined), both entry points fail with an error saying so.
#include <cstring>
#include <fstream>
#include "error.h"

#ifdef MLX_WITH_OPENCV
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

namespace {

at::Tensor finish(cv::Mat img, int32_t channels, int32_t height, int32_t width, const std::string& what) {
  if (img.empty()) throw std::invalid_argument("cannot decode image " + what + ": not a supported image format");
  if (channels != 1 && channels != 3) throw std::invalid_argument("channels must be 1 or 3");
  if (img.depth() != CV_8U) {
    cv::Mat tmp;
    img.convertTo(tmp, CV_8U, img.depth() == CV_16U ? 1.0 / 257.0 : 1.0);
    img = tmp;
  }
  cv::Mat conv;
  int c = img.channels();
  if (channels == 1) {
    if (c == 1) conv = img;
    else if (c == 3) cv::cvtColor(img, conv, cv::COLOR_BGR2GRAY);
    else cv::cvtColor(img, conv, cv::COLOR_BGRA2GRAY);
  } else {
    if (c == 1) cv::cvtColor(img, conv, cv::COLOR_GRAY2RGB);
    else if (c == 3) cv::cvtColor(img, conv, cv::COLOR_BGR2RGB);
    else cv::cvtColor(img, conv, cv::COLOR_BGRA2RGB);
  }
  if (height < 0 || width < 0) throw std::invalid_argument("image size must not be negative");
  if ((height > 0 && height != conv.rows) || (width > 0 && width != conv.cols)) {
    int h = height > 0 ? height : conv.rows;
    int w = width > 0 ? width : conv.cols;
    bool shrink = h < conv.rows && w < conv.cols;
    cv::Mat resized;
    cv::resize(conv, resized, cv::Size(w, h), 0, 0, shrink ? cv::INTER_AREA : cv::INTER_LINEAR);
    conv = resized;
  }
  if (!conv.isContinuous()) conv = conv.clone();
  auto t = at::empty({conv.rows, conv.cols, channels}, at::kByte);
  std::memcpy(t.data_ptr(), conv.data, static_cast<size_t>(t.numel()));
  return t;
}

}  // namespace

MLX_API int mlx_image_decode_file(const char* path, int32_t channels, int32_t height, int32_t width, mlx_tensor* out) {
  MLX_TRY
  std::string p(path);
  std::ifstream probe(p, std::ios::binary);
  if (!probe.good()) throw std::invalid_argument("cannot read image '" + p + "': file not found or not readable");
  probe.close();
  cv::Mat img = cv::imread(p, cv::IMREAD_UNCHANGED);
  *out = mlx::wrap(finish(img, channels, height, width, "'" + p + "'"));
  MLX_CATCH
}

MLX_API int mlx_image_decode_buffer(const uint8_t* data, int64_t nbytes, int32_t channels, int32_t height,
                                    int32_t width, mlx_tensor* out) {
  MLX_TRY
  cv::Mat buf(1, static_cast<int>(nbytes), CV_8U, const_cast<uint8_t*>(data));
  cv::Mat img = cv::imdecode(buf, cv::IMREAD_UNCHANGED);
  *out = mlx::wrap(finish(img, channels, height, width, "buffer"));
  MLX_CATCH
}

#else  // no OpenCV in this build

namespace {
[[noreturn]] void no_image_support(const std::string& what) {
  throw std::runtime_error("cannot decode image " + what +
                           ": this native library was built without OpenCV (rebuild src/Native with OpenCV installed)");
}
}  // namespace

MLX_API int mlx_image_decode_file(const char* path, int32_t, int32_t, int32_t, mlx_tensor*) {
  MLX_TRY
  no_image_support("'" + std::string(path) + "'");
  MLX_CATCH
}

MLX_API int mlx_image_decode_buffer(const uint8_t*, int64_t, int32_t, int32_t, int32_t, mlx_tensor*) {
  MLX_TRY
  no_image_support("buffer");
  MLX_CATCH
}

#endif
