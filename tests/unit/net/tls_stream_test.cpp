// net::tls_stream over real loopback sockets: handshakes in both roles (also against asio::ssl::stream),
// concurrent bulk transfer both ways, close_notify, truncation, host-name verification and tcp_stream's
// expiry bounding a TLS read.
#include "azbridge/net/tls.hpp"
#include "azbridge/net/tls_stream.hpp"

#include "loopback.hpp"

#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <memory>
#include <string>
#include <vector>

using namespace azbridge;
using namespace azbridge::net;
namespace asio = net::asio;

namespace {

// A throwaway self-signed ECDSA certificate for 127.0.0.1 and localhost, made in memory.
struct test_identity {
  std::string cert_pem;
  std::string key_pem;
};

std::string to_pem(auto write) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
  REQUIRE(write(bio.get()) == 1);
  char* data = nullptr;
  long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(n));
}

const test_identity& identity() {
  static const test_identity id = [] {
    std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(EVP_EC_gen("P-256"), EVP_PKEY_free);
    REQUIRE(key);
    std::unique_ptr<X509, decltype(&X509_free)> cert(X509_new(), X509_free);
    X509_set_version(cert.get(), 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1);
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), -60);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), 3600);
    X509_set_pubkey(cert.get(), key.get());
    X509_NAME* name = X509_get_subject_name(cert.get());
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("localhost"), -1, -1, 0);
    X509_set_issuer_name(cert.get(), name);
    X509V3_CTX v3;
    X509V3_set_ctx_nodb(&v3);
    X509V3_set_ctx(&v3, cert.get(), cert.get(), nullptr, nullptr, 0);
    X509_EXTENSION* san = X509V3_EXT_conf_nid(nullptr, &v3, NID_subject_alt_name, "IP:127.0.0.1,DNS:localhost");
    REQUIRE(san);
    X509_add_ext(cert.get(), san, -1);
    X509_EXTENSION_free(san);
    REQUIRE(X509_sign(cert.get(), key.get(), EVP_sha256()) > 0);
    return test_identity{to_pem([&](BIO* b) { return PEM_write_bio_X509(b, cert.get()); }),
                         to_pem([&](BIO* b) {
                           return PEM_write_bio_PrivateKey(b, key.get(), nullptr, nullptr, 0, nullptr, nullptr);
                         })};
  }();
  return id;
}

ssl::context server_context() {
  ssl::context ctx(ssl::context::tls_server);
  ctx.use_certificate_chain(asio::buffer(identity().cert_pem));
  ctx.use_private_key(asio::buffer(identity().key_pem), ssl::context::pem);
  return ctx;
}

ssl::context client_context() {
  auto ctx = make_client_context();  // verification on, as in production
  ctx.add_certificate_authority(asio::buffer(identity().cert_pem));
  return ctx;
}

// Connected TCP streams {server, client} over loopback.
net::awaitable<std::pair<beast::tcp_stream, beast::tcp_stream>> tcp_pair(test::loopback_acceptor& acc) {
  auto ex = co_await asio::this_coro::executor;
  beast::tcp_stream client(ex);
  co_await client.async_connect(acc.acceptor.local_endpoint(), asio::use_awaitable);
  auto socket = co_await acc.acceptor.async_accept(asio::use_awaitable);
  co_return std::pair<beast::tcp_stream, beast::tcp_stream>(beast::tcp_stream(std::move(socket)), std::move(client));
}

std::vector<std::uint8_t> pattern(std::size_t n, unsigned seed) {
  std::vector<std::uint8_t> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<std::uint8_t>((i * 31 + seed) % 251);
  return v;
}

template <class Stream>
net::awaitable<error_code> handshake(Stream& s, ssl::stream_base::handshake_type type) {
  auto [ec] = co_await s.async_handshake(type, net::nothrow);
  co_return ec;
}

// Writes `out` and reads `expected_in` at the same time on one stream (a read and a write in flight together).
template <class Stream>
net::awaitable<void> exchange(Stream& s, const std::vector<std::uint8_t>& out, std::size_t in_size,
                              std::vector<std::uint8_t>& in) {
  using namespace asio::experimental::awaitable_operators;
  in.resize(in_size);
  auto writer = [&]() -> net::awaitable<void> {
    auto [ec, n] = co_await asio::async_write(s, asio::buffer(out), net::nothrow);
    REQUIRE_FALSE(ec);
    REQUIRE(n == out.size());
  };
  auto reader = [&]() -> net::awaitable<void> {
    auto [ec, n] = co_await asio::async_read(s, asio::buffer(in), net::nothrow);
    REQUIRE_FALSE(ec);
    REQUIRE(n == in_size);
  };
  co_await (writer() && reader());
}

// Both ends of one TLS connection over loopback after their handshakes.
struct handshaken {
  tls_stream server;
  tls_stream client;
  error_code server_ec;
  error_code client_ec;
};

// What every case needs: an io_context, a loopback acceptor, the server's and the verifying client's contexts.
struct tls_fixture {
  asio::io_context io;
  test::loopback_acceptor acc{io};
  ssl::context sctx = server_context();
  ssl::context cctx = client_context();

  // A connection with both handshakes done (the client verifies `host`).
  net::awaitable<handshaken> handshake_pair(const std::string& host) {
    using namespace asio::experimental::awaitable_operators;
    auto [stcp, ctcp] = co_await tcp_pair(acc);
    handshaken h{tls_stream(std::move(stcp), sctx), tls_stream(std::move(ctcp), cctx), {}, {}};
    prepare_client_stream(h.client, host, true);
    std::tie(h.server_ec, h.client_ec) =
        co_await (handshake(h.server, ssl::stream_base::server) && handshake(h.client, ssl::stream_base::client));
    co_return h;
  }
};

}  // namespace

TEST_CASE_METHOD(tls_fixture, "tls_stream: both roles move megabytes both ways at once, also against asio::ssl::stream",
                 "[tls_stream]") {
  const bool asio_server = GENERATE(false, true);
  INFO("server is " << (asio_server ? "asio::ssl::stream" : "tls_stream"));
  test::run(io, [&]() -> net::awaitable<void> {
    using namespace asio::experimental::awaitable_operators;
    auto [stcp, ctcp] = co_await tcp_pair(acc);
    tls_stream client(std::move(ctcp), cctx);
    prepare_client_stream(client, "127.0.0.1", true);
    const auto up = pattern(3 * 1024 * 1024 + 17, 1);
    const auto down = pattern(2 * 1024 * 1024 + 5, 2);
    std::vector<std::uint8_t> got_up, got_down;
    auto run_server = [&](auto& server) -> net::awaitable<void> {
      auto ec = co_await handshake(server, ssl::stream_base::server);
      REQUIRE_FALSE(ec);
      co_await exchange(server, down, up.size(), got_up);
    };
    auto run_client = [&]() -> net::awaitable<void> {
      auto ec = co_await handshake(client, ssl::stream_base::client);
      REQUIRE_FALSE(ec);
      co_await exchange(client, up, down.size(), got_down);
    };
    if (asio_server) {
      ssl::stream<beast::tcp_stream> server(std::move(stcp), sctx);
      co_await (run_server(server) && run_client());
    } else {
      tls_stream server(std::move(stcp), sctx);
      co_await (run_server(server) && run_client());
    }
    CHECK(got_up == up);
    CHECK(got_down == down);
  });
}

TEST_CASE_METHOD(tls_fixture, "tls_stream: close_notify is eof for the reader and completes both shutdowns", "[tls_stream]") {
  test::run(io, [&]() -> net::awaitable<void> {
    using namespace asio::experimental::awaitable_operators;
    auto h = co_await handshake_pair("localhost");
    REQUIRE_FALSE(h.server_ec);
    REQUIRE_FALSE(h.client_ec);
    auto& server = h.server;
    auto& client = h.client;

    auto client_side = [&]() -> net::awaitable<void> {
      auto [wec, n] = co_await asio::async_write(client, asio::buffer(std::string("last words")), net::nothrow);
      REQUIRE_FALSE(wec);
      auto [ec] = co_await client.async_shutdown(net::nothrow);  // waits for the server's close_notify
      CHECK_FALSE(ec);
    };
    auto server_side = [&]() -> net::awaitable<void> {
      std::string got;
      std::array<char, 64> buf;
      for (;;) {
        auto [ec, n] = co_await server.async_read_some(asio::buffer(buf), net::nothrow);
        got.append(buf.data(), n);
        if (ec) {
          CHECK(ec == asio::error::eof);
          break;
        }
      }
      CHECK(got == "last words");
      auto [ec] = co_await server.async_shutdown(net::nothrow);
      CHECK_FALSE(ec);
    };
    co_await (client_side() && server_side());
  });
}

TEST_CASE_METHOD(tls_fixture, "tls_stream: a peer that closes TCP without close_notify is a truncation", "[tls_stream]") {
  test::run(io, [&]() -> net::awaitable<void> {
    auto h = co_await handshake_pair("127.0.0.1");
    REQUIRE_FALSE(h.server_ec);
    REQUIRE_FALSE(h.client_ec);
    auto& server = h.server;
    auto& client = h.client;
    server.next_layer().close();
    std::array<char, 64> buf;
    auto [ec, n] = co_await client.async_read_some(asio::buffer(buf), net::nothrow);
    CHECK(ec == ssl::error::stream_truncated);
    CHECK(n == 0);
  });
}

TEST_CASE_METHOD(tls_fixture, "tls_stream: the certificate must name the host the client asked for", "[tls_stream]") {
  const std::string host = GENERATE(as<std::string>{}, "127.0.0.2", "example.com");
  test::run(io, [&]() -> net::awaitable<void> {
    auto h = co_await handshake_pair(host);
    REQUIRE(h.client_ec);
    CHECK(h.client_ec.category() == asio::error::get_ssl_category());
    CHECK(h.client_ec.message().find("certificate verify failed") != std::string::npos);
  });
}

TEST_CASE_METHOD(tls_fixture, "tls_stream: tcp_stream's expiry bounds a TLS read", "[tls_stream]") {
  test::run(io, [&]() -> net::awaitable<void> {
    auto h = co_await handshake_pair("localhost");
    REQUIRE_FALSE(h.server_ec);
    REQUIRE_FALSE(h.client_ec);
    auto& client = h.client;
    client.next_layer().expires_after(std::chrono::milliseconds(100));  // the server never sends
    std::array<char, 64> buf;
    auto [ec, n] = co_await client.async_read_some(asio::buffer(buf), net::nothrow);
    CHECK(ec == beast::error::timeout);
  });
}
