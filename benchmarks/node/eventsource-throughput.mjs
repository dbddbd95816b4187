// SPDX-License-Identifier: BSD-3-Clause
// The node reference for scripts/bench-qml.sh: the eventsource package (npm, version 4, installed
// by the script into the bench build directory) reading the same stream with the same handler
// as bench_qml (n += 1, bytes += the data's length), until EXPECTED events have arrived. Prints
// the row bench_qml prints: label, events, events/s, CPU µs per event.
//
//   node eventsource-throughput.mjs URL EXPECTED [LABEL]
import { EventSource } from 'eventsource';

const [url, expectedText, label = 'node'] = process.argv.slice(2);
const expected = Number(expectedText);
let n = 0;
let bytes = 0;
const cpuStart = process.cpuUsage();
const start = process.hrtime.bigint();
const source = new EventSource(url);
source.onmessage = (event) => {
    n++;
    bytes += event.data.length;
    if (n === expected) {
        const seconds = Number(process.hrtime.bigint() - start) / 1e9;
        const cpu = process.cpuUsage(cpuStart);
        const cpuSeconds = (cpu.user + cpu.system) / 1e6;
        source.close();
        console.log(`${label.padEnd(14)} ${String(n).padStart(9)} ${(n / seconds).toFixed(0).padStart(12)} ${(cpuSeconds / n * 1e6).toFixed(3).padStart(10)}`);
        process.exit(bytes > 0 ? 0 : 1);
    }
};
source.onerror = (error) => {
    if (n < expected) {
        console.error(`eventsource: ${error.message ?? 'error'} after ${n} events`);
        process.exit(1);
    }
};
