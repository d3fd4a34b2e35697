// Implemented by the protocol work (see include/azbridge/protocol/connection_string.hpp).
