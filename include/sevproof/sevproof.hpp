// Everything in one include (not the JSON renderers in sevproof/format/, which need nlohmann/json).
// Prefer the part headers (sevproof/<part>/...) in new code.
#pragma once

#include "sevproof/idblock/id_block.hpp"
#include "sevproof/kds/urls.hpp"
#include "sevproof/measure/launch_digest.hpp"
#include "sevproof/measure/request.hpp"
#include "sevproof/sev/chain.hpp"
#include "sevproof/sev/launch_measure.hpp"
#include "sevproof/sev/secret.hpp"
#include "sevproof/sev/session.hpp"
#include "sevproof/snp/describe.hpp"
#include "sevproof/validate/option_text.hpp"
#include "sevproof/validate/validate_report.hpp"
#include "sevproof/verify/evidence_builder.hpp"
#include "sevproof/verify/verify_report.hpp"
#include "sevproof/version.hpp"
