#include "azbridge/cli/cli.hpp"

int main(int argc, char** argv) { return azbridge::cli::run(argc, argv); }
