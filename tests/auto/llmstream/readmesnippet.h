// SPDX-License-Identifier: BSD-3-Clause
#ifndef READMESNIPPET_H
#define READMESNIPPET_H

#include <QtSse/SseLlmStream>

// The README's snippet: asks url (an Anthropic Messages endpoint) for a reply to prompt.
SseLlmStream *askClaude(const QUrl &url, const QString &prompt, QObject *parent);

#endif // READMESNIPPET_H
