// SPDX-License-Identifier: BSD-3-Clause
#ifndef DIRECTENVIRONMENT_H
#define DIRECTENVIRONMENT_H

#include <QtCore/qprocess.h>

// This process's environment without the proxy variables (http_proxy, HTTPS_PROXY, ...): for a
// child process (ssecat, an example) that must reach 127.0.0.1 directly, whatever the
// machine's proxy settings are.
QProcessEnvironment directEnvironment();

#endif // DIRECTENVIRONMENT_H
