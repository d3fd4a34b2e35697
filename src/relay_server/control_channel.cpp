#include "control_channel.hpp"

#include "azbridge/relay_server/auth.hpp"
#include "azbridge/relay_server/http_headers.hpp"
#include "azbridge/util/log.hpp"
#include "ws_util.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

namespace azbridge::relay_server {

namespace websocket = net::websocket;

control_channel::control_channel(std::shared_ptr<relay_context> ctx, net::ws_stream ws, connection_slot slot,
                                 listener_identity identity)
    : ctx_(std::move(ctx)),
      ws_(std::move(ws)),
      slot_(std::move(slot)),
      id_(std::move(identity)),
      serial_(ctx_->next_serial++),
      writer_wake_(ws_.get_executor()),
      expiry_timer_(ws_.get_executor()) {}

net::awaitable<void> control_channel::run() {
  auto self = shared_from_this();
  websocket::stream_base::timeout t{};
  t.handshake_timeout = std::chrono::seconds(10);  // bounds our close handshake
  t.idle_timeout = ctx_->options.timeouts.control_idle;
  t.keep_alive_pings = true;  // a ping after half the idle time; closed after all of it without data
  ws_.set_timeout(t);
  ws_.read_message_max(ctx_->options.limits.max_control_message_bytes);

  writer_running_ = true;
  net::asio::co_spawn(ws_.get_executor(), [self]() { return self->write_loop(); }, net::asio::detached);
  net::asio::co_spawn(ws_.get_executor(), [self]() { return self->expiry_loop(); }, net::asio::detached);

  bool internal_error = false;
  try {
    co_await read_loop();
  } catch (const std::exception& e) {
    log::error("ControlChannelError", "listener {} on '{}': {}", serial_, id_.hc_name, e.what());
    internal_error = true;
  }
  fail_pending();
  if (internal_error) {
    close(websocket::close_code::internal_error, "Internal error");  // the writer's close reads the reply
  } else {
    ended_ = true;
    closing_ = true;
    queue_.clear();
    queued_bytes_ = 0;
    writer_wake_.cancel();
    expiry_timer_.cancel();
    ws_.abort();  // no-op after a completed close handshake
  }
}

net::awaitable<void> control_channel::read_loop() {
  net::beast::flat_buffer buffer;
  for (;;) {
    buffer.clear();
    if (buffer.capacity() > 64 * 1024) buffer.shrink_to_fit();  // idle channels keep little memory
    auto [ec, n] = co_await ws_.read(buffer);
    if (ec) {
      end_reason_ = describe_end(ws_, ec);
      co_return;
    }
    auto data = buffer.cdata();
    std::string_view sv(static_cast<const char*>(data.data()), data.size());
    if (ws_.got_text()) {
      on_text(sv);
    } else {
      on_binary(std::string(sv));
    }
  }
}

net::awaitable<void> control_channel::write_loop() {
  auto self = shared_from_this();
  for (;;) {
    if (ended_) break;
    if (close_requested_) {
      if (ws_.is_open()) co_await ws_.close(close_reason_);
      break;
    }
    if (queue_.empty()) {
      writer_wake_.expires_at(net::asio::steady_timer::time_point::max());
      co_await writer_wake_.async_wait(net::nothrow);
      continue;
    }
    outgoing item = std::move(queue_.front());
    queue_.pop_front();
    queued_bytes_ -= item.text.size() + item.body.size();
    ws_.text(true);
    auto [ec, n] = co_await ws_.write(net::asio::buffer(item.text));
    if (!ec && item.has_body) {
      // The body is the very next message: hyco-https and .NET read it as the request's body.
      ws_.binary(true);
      std::tie(ec, n) = co_await ws_.write(net::asio::buffer(item.body));
    }
    if (ec) {
      closing_ = true;
      ws_.abort();  // the reader ends too
      break;
    }
  }
  writer_running_ = false;
}

net::awaitable<void> control_channel::expiry_loop() {
  auto self = shared_from_this();
  while (!closing_) {
    auto deadline = std::chrono::system_clock::time_point(std::chrono::seconds(id_.token_expires_at)) +
                    ctx_->options.timeouts.token_grace;
    auto left = deadline - std::chrono::system_clock::now();
    if (left <= std::chrono::system_clock::duration::zero()) {
      log::info("ListenerTokenExpired", "listener {} on '{}': token expired at {} (grace {} ms); closing with 1008",
                serial_, id_.hc_name, format_unix_time(id_.token_expires_at),
                ctx_->options.timeouts.token_grace.count());
      close(websocket::close_code::policy_error, "The token has expired; renew it with renewToken");
      break;
    }
    expiry_timer_.expires_after(std::chrono::duration_cast<std::chrono::steady_clock::duration>(left));
    co_await expiry_timer_.async_wait(net::nothrow);  // cancelled on renewal (re-armed) and on close
  }
}

bool control_channel::enqueue(outgoing item) {
  if (closing_) return false;
  auto size = item.text.size() + item.body.size();
  if (!queue_.empty() && queued_bytes_ + size > ctx_->options.limits.max_control_queue_bytes) return false;
  queued_bytes_ += size;
  queue_.push_back(std::move(item));
  writer_wake_.cancel();
  return true;
}

bool control_channel::send(std::string json) { return enqueue(outgoing{std::move(json), {}, false}); }

bool control_channel::send_with_body(std::string json, std::string body) {
  return enqueue(outgoing{std::move(json), std::move(body), true});
}

void control_channel::close(websocket::close_code code, std::string reason) {
  if (closing_) return;
  closing_ = true;
  close_requested_ = true;
  close_reason_ = make_close_reason(code, reason);
  queue_.clear();
  queued_bytes_ = 0;
  writer_wake_.cancel();
  expiry_timer_.cancel();
}

void control_channel::expect_response(const std::string& request_id, std::weak_ptr<http_exchange> exchange) {
  pending_[request_id] = std::move(exchange);
}

void control_channel::forget_response(const std::string& request_id) { pending_.erase(request_id); }

void control_channel::deliver(const std::string& request_id, protocol::response_command response, std::string body) {
  auto it = pending_.find(request_id);
  if (it == pending_.end()) {
    log::debug("ResponseIgnored", "listener {} on '{}': no pending request '{}'", serial_, id_.hc_name, request_id);
    return;
  }
  auto exchange = it->second.lock();
  pending_.erase(it);
  if (!exchange || exchange->done || exchange->response || exchange->rendezvous) return;
  exchange->response = std::move(response);
  exchange->body = std::move(body);
  exchange->ready.set();
}

void control_channel::on_text(std::string_view text) {
  if (body_for_) {
    // A text message where the body of the previous response belongs: answer that one without a body.
    auto id = std::move(*body_for_);
    auto head = std::move(*body_head_);
    body_for_.reset();
    body_head_.reset();
    head.body = false;
    deliver(id, std::move(head), {});
  }
  auto message = protocol::decode_listener_reply(text);
  if (!message) {
    log::warn("ControlMessageIgnored", "listener {} on '{}': {}", serial_, id_.hc_name, message.error());
    return;
  }
  if (auto* response = std::get_if<protocol::response_command>(&*message)) {
    if (response->body) {
      body_for_ = response->request_id;
      body_head_ = std::move(*response);
    } else {
      auto id = response->request_id;
      deliver(id, std::move(*response), {});
    }
    return;
  }
  const auto& renew = std::get<protocol::renew_token_command>(*message);
  auto hc = ctx_->catalog.resolve_listen(id_.hc_name);
  std::span<const shared_access_policy> hc_policies;
  if (hc) hc_policies = hc->settings->policies;
  auth_request req;
  req.token = renew.token;
  req.host = id_.audience_host;
  req.hc_name = id_.hc_name;
  req.full_path = id_.hc_name;
  req.right = required_right::listen;
  req.now_unix = unix_now();
  req.clock_skew = std::chrono::duration_cast<std::chrono::seconds>(ctx_->options.timeouts.clock_skew);
  auto decision = authorize(req, hc_policies, ctx_->options.policies);
  if (!decision.ok()) {
    log::info("ListenerTokenRejected", "listener {} on '{}': renewToken rejected ({}); closing with 1008", serial_,
              id_.hc_name, decision.reason);
    close(websocket::close_code::policy_error, "renewToken: " + decision.reason);
    return;
  }
  id_.token_expires_at = decision.expires_at;
  expiry_timer_.cancel();  // the watchdog re-arms with the new expiry
  log::debug("ListenerTokenRenewed", "listener {} on '{}': token valid until {}", serial_, id_.hc_name,
             format_unix_time(decision.expires_at));
}

void control_channel::on_binary(std::string body) {
  if (!body_for_) return;  // hyco-https sends an empty binary message after body:false responses
  auto id = std::move(*body_for_);
  auto head = std::move(*body_head_);
  body_for_.reset();
  body_head_.reset();
  deliver(id, std::move(head), std::move(body));
}

void control_channel::fail_pending() {
  for (auto& [id, weak] : pending_) {
    if (auto exchange = weak.lock(); exchange && !exchange->done) {
      exchange->listener_lost = true;
      exchange->ready.set();
    }
  }
  pending_.clear();
}

}  // namespace azbridge::relay_server
