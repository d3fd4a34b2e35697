#include "azbridge/net/ws_stream.hpp"

#include <boost/beast/websocket/ssl.hpp>

namespace azbridge::net {

beast::tcp_stream& ws_stream::tcp() noexcept {
  return std::visit([](auto& s) -> beast::tcp_stream& { return beast::get_lowest_layer(s); }, s_);
}

awaitable<std::tuple<error_code, std::size_t>> ws_stream::read_some(asio::mutable_buffer buffer) {
  return visit([&](auto& s) { return s.async_read_some(buffer, nothrow); });
}

awaitable<std::tuple<error_code, std::size_t>> ws_stream::read(beast::flat_buffer& buffer) {
  return visit([&](auto& s) { return s.async_read(buffer, nothrow); });
}

awaitable<std::tuple<error_code, std::size_t>> ws_stream::write(asio::const_buffer buffer) {
  return visit([&](auto& s) { return s.async_write(buffer, nothrow); });
}

awaitable<std::tuple<error_code, std::size_t>> ws_stream::write_some(bool fin, asio::const_buffer buffer) {
  return visit([&](auto& s) { return s.async_write_some(fin, buffer, nothrow); });
}

awaitable<error_code> ws_stream::close(const websocket::close_reason& reason) {
  auto [ec] = co_await visit([&](auto& s) { return s.async_close(reason, nothrow); });
  co_return ec;
}

awaitable<error_code> ws_stream::pong(const websocket::ping_data& payload) {
  auto [ec] = co_await visit([&](auto& s) { return s.async_pong(payload, nothrow); });
  co_return ec;
}

void ws_stream::binary(bool on) {
  visit([&](auto& s) { s.binary(on); });
}
bool ws_stream::got_binary() const {
  return std::visit([](const auto& s) { return s.got_binary(); }, s_);
}
bool ws_stream::is_message_done() const {
  return std::visit([](const auto& s) { return s.is_message_done(); }, s_);
}
bool ws_stream::is_open() const {
  return std::visit([](const auto& s) { return s.is_open(); }, s_);
}
const websocket::close_reason& ws_stream::reason() const {
  return std::visit([](const auto& s) -> const websocket::close_reason& { return s.reason(); }, s_);
}
void ws_stream::set_timeout(const websocket::stream_base::timeout& t) {
  visit([&](auto& s) { s.set_option(t); });
}
void ws_stream::read_message_max(std::size_t bytes) {
  visit([&](auto& s) { s.read_message_max(bytes); });
}
void ws_stream::abort() noexcept {
  error_code ignored;
  tcp().socket().shutdown(tcp::socket::shutdown_both, ignored);
  tcp().socket().close(ignored);
}

}  // namespace azbridge::net
