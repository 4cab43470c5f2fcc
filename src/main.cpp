#include "cli/commands.hpp"

int main(int argc, char** argv)
{
    return sysknob::cli::run(argc, argv);
}
