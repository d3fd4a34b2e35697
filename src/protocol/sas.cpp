// Implemented by the protocol work (see include/azbridge/protocol/sas.hpp).
