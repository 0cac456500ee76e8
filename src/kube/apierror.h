#pragma once

#include "core/result.h"

#include <QByteArray>
#include <QString>

namespace Curtain::Kube {

// Turns a non-2xx reply into an Error, reading the metav1.Status body when there is one and
// falling back to client-go's generic wording when the body is not a Status (e.g. a plain-text 429).
// `what` names the request for the message, e.g. "PATCH services/checkout".
Core::Error apiError(int httpStatus, const QByteArray &body, const QString &what);

// The Status `reason` field of a body, or empty.
QString statusReason(const QByteArray &body);

} // namespace Curtain::Kube
