// The credentials themselves and the default chain:
//   environment (client secret) -> workload identity -> managed identity (App Service, then IMDS) -> Azure CLI,
// each usable alone, all behind a per-scope token cache that refreshes shortly before expiry.
#pragma once

#include "azbridge/orchestrate/http_client.hpp"
#include "azbridge/orchestrate/identity/token_credential.hpp"

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace azbridge::identity {

/// Everything the credentials read from the process environment, gathered once (tests inject their own).
struct identity_environment {
  std::string tenant_id;              // AZURE_TENANT_ID
  std::string client_id;              // AZURE_CLIENT_ID (also the user-assigned managed identity to use)
  std::string client_secret;          // AZURE_CLIENT_SECRET
  std::string federated_token_file;   // AZURE_FEDERATED_TOKEN_FILE
  std::string authority_host;         // AZURE_AUTHORITY_HOST (default https://login.microsoftonline.com)
  std::string identity_endpoint;      // IDENTITY_ENDPOINT (App Service / Functions)
  std::string identity_header;        // IDENTITY_HEADER
  std::string imds_host;              // AZURE_POD_IDENTITY_AUTHORITY_HOST (default http://169.254.169.254)
  std::string az_path = "az";         // AZBRIDGE_AZ_PATH (default: az from PATH)

  static identity_environment from_process();
};

enum class credential_kind { automatic, environment, workload_identity, managed_identity, app_service, imds, azure_cli };

/// "auto", "environment", "workload-identity", "managed-identity", "app-service", "imds", "azure-cli".
std::optional<credential_kind> parse_credential_kind(std::string_view name);
std::string_view credential_kind_name(credential_kind kind);

struct credential_options {
  std::chrono::milliseconds request_timeout{15000};
  std::chrono::milliseconds imds_probe_timeout{1000};  // IMDS that does not answer this fast is "not here"
  std::chrono::milliseconds cli_timeout{30000};
  std::chrono::seconds refresh_margin{300};  // a cached token is renewed this long before it expires
};

/// One credential (or the chain for `automatic`), wrapped in a token cache. `http` must outlive it.
std::unique_ptr<token_credential> make_credential(credential_kind kind, orchestrate::http_client& http,
                                                  identity_environment env, credential_options options = {});

}  // namespace azbridge::identity
