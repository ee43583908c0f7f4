// Everything in one include. Prefer the part headers (sevproof/<part>/...) in new code.
#pragma once

#include "sevproof/core/bytes.hpp"
#include "sevproof/core/error.hpp"
#include "sevproof/core/hex.hpp"
#include "sevproof/core/layout.hpp"
#include "sevproof/crypto/certificate.hpp"
#include "sevproof/crypto/ecdsa.hpp"
#include "sevproof/crypto/hash.hpp"
#include "sevproof/snp/report.hpp"
#include "sevproof/snp/report_layout.hpp"
#include "sevproof/snp/signature.hpp"
#include "sevproof/verify/chain.hpp"
#include "sevproof/verify/report_signature.hpp"
#include "sevproof/version.hpp"
