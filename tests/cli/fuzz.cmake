# CLI twins of what the fuzz campaign found (fuzz/regressions, docs/fuzzing.md): each input that
# crashed a target is refused by the command with a usage error or an input error naming the field.
set(FUZZ_REG "${PROJECT_SOURCE_DIR}/fuzz/regressions")
cli_test("fuzz regression: an SEV chain whose ARK is not an RSA key is refused" 3 "MODULUS/PUBEXP.*not an RSA public key"
         sev verify-chain "${FUZZ_REG}/sev_chain/invalid-rsa-ark-key.bin")
# (The empty --measurement that fuzz_options found cannot come from the CLI, CLI11 refuses empty
# values; the page can send one: tests/web/fuzz-replay.test.mjs holds that twin.)
cli_test("fuzz regression: a CRL whose nextUpdate is before 1970 fails V010, no crash" 1 "V010 fail.*NOT VERIFIED"
         verify --report "${TD}/reports/oak-genoa-v5/report.bin" --vcek "${TD}/reports/oak-genoa-v5/vcek.der"
                --crl "${FUZZ_REG}/crl/next-update-before-1970.der")
cli_test("fuzz regression: a certificate name that is not UTF-8 is printed escaped" 3 "V\\\\xffEK"
         verify --report "${TD}/reports/oak-genoa-v5/report.bin" --vcek "${FUZZ_REG}/x509/cn-not-utf8.der" --json)
