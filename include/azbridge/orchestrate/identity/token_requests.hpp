// Sans-I/O halves of the Entra ID credentials: the token requests they send and the parsing of the
// answers (see shared reference orchestration-apis.md §4). Unit-tested without a network.
#pragma once

#include "azbridge/orchestrate/http.hpp"
#include "azbridge/orchestrate/identity/token_credential.hpp"
#include "azbridge/util/expected.hpp"

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

namespace azbridge::identity {

inline constexpr std::string_view default_authority_host = "https://login.microsoftonline.com";
inline constexpr std::string_view default_imds_host = "http://169.254.169.254";

/// "https://management.azure.com/.default" -> "https://management.azure.com" (the v1 resource form that
/// @azure/identity sends to managed identity endpoints and the Azure CLI).
std::string scope_to_resource(std::string_view scope);

/// application/x-www-form-urlencoded encoding (RFC 3986 unreserved kept, everything else %XX).
std::string form_encode(std::string_view text);

/// POST {authority}/{tenant}/oauth2/v2.0/token, grant_type=client_credentials with a client secret.
orchestrate::http_request client_secret_request(std::string_view authority_host, std::string_view tenant,
                                                std::string_view client_id, std::string_view secret,
                                                std::string_view scope);

/// The same with a client assertion (workload identity: the federated token file's JWT).
orchestrate::http_request client_assertion_request(std::string_view authority_host, std::string_view tenant,
                                                   std::string_view client_id, std::string_view assertion,
                                                   std::string_view scope);

/// App Service / Functions managed identity (api-version 2019-08-01, X-IDENTITY-HEADER).
orchestrate::http_request app_service_request(std::string_view endpoint, std::string_view identity_header,
                                              std::string_view resource, std::string_view client_id);

/// IMDS managed identity (api-version 2018-02-01, Metadata: true). Plain HTTP by design.
orchestrate::http_request imds_request(std::string_view imds_host, std::string_view resource,
                                       std::string_view client_id);

/// A token endpoint's JSON answer: access_token with expires_in (seconds from now) or expires_on (epoch
/// seconds, as a number or a numeric string).
expected<access_token> parse_token_response(std::string_view body, std::chrono::system_clock::time_point now);

/// One line from an error answer: "AADSTS7000215: Invalid client secret provided." (first line of
/// error_description), else `error`, else the HTTP status. Never echoes secrets.
std::string describe_token_error(int http_status, std::string_view body);

/// argv for the Azure CLI: az account get-access-token --output json --resource R [--tenant T].
std::vector<std::string> az_cli_arguments(std::string_view az_path, std::string_view resource,
                                          std::string_view tenant);

/// `az account get-access-token` output: accessToken with expires_on (epoch) or expiresOn (local time).
expected<access_token> parse_az_cli_output(std::string_view output);

}  // namespace azbridge::identity
