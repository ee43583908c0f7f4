// Replaced at test time by the "Use the library" example of README.md (tests/package/check.cmake
// extracts it), so the README's example is the code that is built and run.
int main() { return 1; }
