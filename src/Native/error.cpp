#include "error.h"

namespace mlx {
static thread_local std::string g_last_error;
void set_error(const std::string& msg) { g_last_error = msg; }
void clear_error() { g_last_error.clear(); }
}  // namespace mlx

MLX_API const char* mlx_last_error(void) { return mlx::g_last_error.c_str(); }
