// Generic boxed call of any ATen operator by schema name. Positional arguments first, then named ones;
// whatever is left is filled from the schema's defaults. Autograd sits in the dispatch path, so
// gradients flow through these calls like through the typed API.
#include <ATen/core/dispatch/Dispatcher.h>
#include <ATen/core/ivalue.h>
#include "error.h"

namespace {

using c10::IValue;
using c10::TypeKind;
using c10::TypePtr;

TypePtr unwrap_optional(const TypePtr& t) {
  if (t->kind() == TypeKind::OptionalType) return t->expectRef<c10::OptionalType>().getElementType();
  return t;
}

bool is_optional(const TypePtr& t) { return t->kind() == TypeKind::OptionalType; }

IValue tensor_list(const mlx_arg& a, const TypePtr& elem) {
  auto handles = static_cast<const mlx_tensor*>(a.v.p);
  if (elem->kind() == TypeKind::OptionalType) {
    c10::List<c10::optional<at::Tensor>> list;
    list.reserve(a.len);
    for (int64_t i = 0; i < a.len; ++i)
      list.push_back(handles[i] ? c10::optional<at::Tensor>(mlx::T(handles[i])) : c10::nullopt);
    return IValue(list);
  }
  c10::List<at::Tensor> list;
  list.reserve(a.len);
  for (int64_t i = 0; i < a.len; ++i) list.push_back(mlx::T(handles[i]));
  return IValue(list);
}

IValue to_ivalue(const mlx_arg& a, const c10::Argument& spec) {
  TypePtr type = unwrap_optional(spec.type());
  TypeKind kind = type->kind();
  switch (a.kind) {
    case MLX_NONE:
      return IValue();
    case MLX_TENSOR:
      if (a.v.p == nullptr) return IValue();
      return IValue(mlx::T(const_cast<void*>(a.v.p)));
    case MLX_INT:
      if (kind == TypeKind::FloatType) return IValue(static_cast<double>(a.v.i));
      if (kind == TypeKind::BoolType) return IValue(a.v.i != 0);
      if (kind == TypeKind::ListType) return IValue(std::vector<int64_t>{a.v.i});
      return IValue(a.v.i);
    case MLX_DOUBLE:
      if (kind == TypeKind::IntType) {
        throw std::invalid_argument("argument '" + spec.name() + "' expects an integer, got a floating-point value");
      }
      return IValue(a.v.d);
    case MLX_BOOL:
      return IValue(a.v.i != 0);
    case MLX_INT_LIST: {
      auto p = static_cast<const int64_t*>(a.v.p);
      return IValue(std::vector<int64_t>(p, p + a.len));
    }
    case MLX_DOUBLE_LIST: {
      auto p = static_cast<const double*>(a.v.p);
      return IValue(std::vector<double>(p, p + a.len));
    }
    case MLX_BOOL_LIST: {
      auto p = static_cast<const uint8_t*>(a.v.p);
      c10::List<bool> list;
      for (int64_t i = 0; i < a.len; ++i) list.push_back(p[i] != 0);
      return IValue(list);
    }
    case MLX_TENSOR_LIST: {
      TypePtr elem = kind == TypeKind::ListType ? type->expectRef<c10::ListType>().getElementType() : type;
      return tensor_list(a, elem);
    }
    case MLX_STRING:
      return IValue(std::string(static_cast<const char*>(a.v.p)));
    case MLX_DEVICE:
      return IValue(c10::Device(static_cast<c10::DeviceType>(a.v.i), static_cast<c10::DeviceIndex>(a.len)));
    case MLX_GENERATOR:
      return IValue(*static_cast<const at::Generator*>(a.v.p));
    default:
      throw std::invalid_argument("unknown argument kind " + std::to_string(a.kind));
  }
}

void push_result(const IValue& v, std::vector<mlx_arg>& results) {
  if (v.isTuple()) {
    for (const auto& e : v.toTupleRef().elements()) push_result(e, results);
    return;
  }
  if (v.isTensorList()) {
    for (const at::Tensor& t : v.toTensorVector()) push_result(IValue(t), results);
    return;
  }
  results.emplace_back();
  mlx_arg& r = results.back();
  r.name = nullptr;
  r.reserved = 0;
  r.len = 0;
  if (v.isTensor()) {
    const at::Tensor& t = v.toTensor();
    r.kind = t.defined() ? MLX_TENSOR : MLX_NONE;
    r.v.p = t.defined() ? mlx::wrap(t) : nullptr;
  } else if (v.isInt()) {
    r.kind = MLX_INT;
    r.v.i = v.toInt();
  } else if (v.isDouble()) {
    r.kind = MLX_DOUBLE;
    r.v.d = v.toDouble();
  } else if (v.isBool()) {
    r.kind = MLX_BOOL;
    r.v.i = v.toBool() ? 1 : 0;
  } else if (v.isNone()) {
    r.kind = MLX_NONE;
    r.v.p = nullptr;
  } else {
    throw std::invalid_argument(std::string("unsupported result type ") + v.tagKind());
  }
}

thread_local std::string g_schema_text;
// Results that did not fit the caller's buffer, handed over by mlx_op_take_results.
thread_local std::vector<mlx_arg> g_pending;

}  // namespace

MLX_API int mlx_op_find(const char* name, const char* overload, mlx_op* out) {
  MLX_TRY
  auto handle = c10::Dispatcher::singleton().findSchemaOrThrow(name, overload ? overload : "");
  *out = new c10::OperatorHandle(handle);  // cached for the life of the process by the caller
  MLX_CATCH
}

MLX_API int mlx_op_schema(mlx_op op, const char** out) {
  MLX_TRY
  std::ostringstream s;
  s << static_cast<c10::OperatorHandle*>(op)->schema();
  g_schema_text = s.str();
  *out = g_schema_text.c_str();
  MLX_CATCH
}

MLX_API int mlx_op_call(mlx_op op, const mlx_arg* args, int32_t nargs, mlx_arg* results, int32_t capacity,
                        int32_t* nresults) {
  MLX_TRY
  auto& handle = *static_cast<c10::OperatorHandle*>(op);
  const auto& schema = handle.schema();
  const auto& specs = schema.arguments();
  const size_t n = specs.size();
  std::vector<c10::optional<IValue>> slots(n);
  size_t positional = 0;
  for (int32_t k = 0; k < nargs; ++k) {
    const mlx_arg& a = args[k];
    size_t idx;
    if (a.name == nullptr) {
      idx = positional++;
      if (idx >= n)
        throw std::invalid_argument(schema.name() + ": too many arguments (" + std::to_string(nargs) +
                                    "), schema takes " + std::to_string(n));
    } else {
      idx = n;
      for (size_t j = 0; j < n; ++j)
        if (specs[j].name() == a.name) { idx = j; break; }
      if (idx == n) throw std::invalid_argument(schema.name() + ": no argument named '" + a.name + "'");
    }
    slots[idx] = to_ivalue(a, specs[idx]);
  }
  torch::jit::Stack stack;
  stack.reserve(n);
  for (size_t j = 0; j < n; ++j) {
    if (slots[j]) {
      stack.push_back(std::move(*slots[j]));
    } else if (specs[j].default_value()) {
      stack.push_back(*specs[j].default_value());
    } else if (is_optional(specs[j].type())) {
      stack.push_back(IValue());
    } else {
      throw std::invalid_argument(schema.name() + ": missing required argument '" + specs[j].name() + "'");
    }
  }
  handle.callBoxed(stack);
  std::vector<mlx_arg> out;
  try {
    for (const auto& v : stack) push_result(v, out);
  } catch (...) {
    for (auto& r : out)
      if (r.kind == MLX_TENSOR) mlx_tensor_free(const_cast<void*>(r.v.p));
    throw;
  }
  *nresults = static_cast<int32_t>(out.size());
  if (out.size() > static_cast<size_t>(capacity)) {
    g_pending = std::move(out);
    return 1;  // the caller allocates *nresults cells and calls mlx_op_take_results
  }
  std::copy(out.begin(), out.end(), results);
  MLX_CATCH
}

MLX_API int mlx_op_take_results(mlx_arg* results, int32_t capacity) {
  MLX_TRY
  if (g_pending.size() > static_cast<size_t>(capacity)) throw std::invalid_argument("result buffer too small");
  std::copy(g_pending.begin(), g_pending.end(), results);
  g_pending.clear();
  MLX_CATCH
}
