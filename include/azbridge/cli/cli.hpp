// Entry point of the azbridge command line: parses argv, runs the chosen mode, returns the exit status.
#pragma once

namespace azbridge::cli {

int run(int argc, char** argv);

}  // namespace azbridge::cli
