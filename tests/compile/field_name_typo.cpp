// Must NOT compile: report field names are checked at compile time (snp::field_name's consteval
// constructor). The ctest "compile-time: a misspelt report field is a build error" builds this file
// and expects the compiler to name the problem.
#include "sevproof/snp/report.hpp"

std::uint64_t read_svn(const sevproof::snp::report& r) { return r.uint_of("GUEST_SVM"); }
