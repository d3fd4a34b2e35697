#include "beast_takeover.hpp"

#include <boost/asio/buffer.hpp>

namespace azbridge::net::detail {

namespace {

// Beast reads the handshake response into its private read buffer, and bytes that arrived in the same
// read (the peer's first frame, when the relay is fast) stay there. Beast has no public way to hand them
// out, so we reach its `impl_` member through an explicit template instantiation, the one place where C++
// does not check access. Only the read buffer is touched, and only after the handshake has completed.
template <class Tag, auto Member>
struct expose {
  friend constexpr auto member_of(Tag) noexcept { return Member; }
};

struct plain_tag {
  friend constexpr auto member_of(plain_tag) noexcept;
};
struct tls_tag {
  friend constexpr auto member_of(tls_tag) noexcept;
};

template struct expose<plain_tag, &net::ws_stream::plain_ws::impl_>;
template struct expose<tls_tag, &net::ws_stream::tls_ws::impl_>;

template <class Tag, class Ws>
std::vector<std::uint8_t> buffered_bytes(Ws& ws) {
  auto& impl_ptr = ws.*member_of(Tag{});
  std::vector<std::uint8_t> out;
  if (!impl_ptr) return out;
  auto data = impl_ptr->rd_buf.data();
  out.resize(net::asio::buffer_size(data));
  net::asio::buffer_copy(net::asio::buffer(out), data);
  impl_ptr->rd_buf.consume(out.size());
  return out;
}

}  // namespace

taken_over take_over(net::ws_stream&& ws) {
  return ws.visit([](auto& s) -> taken_over {
    using ws_type = std::decay_t<decltype(s)>;
    if constexpr (std::is_same_v<ws_type, net::ws_stream::plain_ws>) {
      auto leftover = buffered_bytes<plain_tag>(s);
      return {transport(std::in_place_index<0>, std::move(s.next_layer())), std::move(leftover)};
    } else {
      auto leftover = buffered_bytes<tls_tag>(s);
      return {transport(std::in_place_index<1>, std::move(s.next_layer())), std::move(leftover)};
    }
  });
}

}  // namespace azbridge::net::detail
