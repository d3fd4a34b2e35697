// A value or a human-readable error message: what sans-I/O parsers return instead of throwing.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace azbridge {

struct failure {
  std::string message;
};

template <class T>
class expected {
 public:
  expected(T value) : v_(std::in_place_index<0>, std::move(value)) {}
  expected(failure f) : v_(std::in_place_index<1>, std::move(f)) {}

  bool has_value() const noexcept { return v_.index() == 0; }
  explicit operator bool() const noexcept { return has_value(); }

  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  /// The error message; only valid when !has_value().
  const std::string& error() const { return std::get<1>(v_).message; }

 private:
  std::variant<T, failure> v_;
};

}  // namespace azbridge
