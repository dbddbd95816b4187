// SPDX-License-Identifier: BSD-3-Clause
// The node reference for scripts/bench-latency.sh: each event's data as a line on stdout, as
// soon as it arrives, until EXPECTED events.
//
//   node eventsource-lines.mjs URL EXPECTED
import { EventSource } from 'eventsource';

const [url, expectedText] = process.argv.slice(2);
const expected = Number(expectedText);
let n = 0;
const source = new EventSource(url);
source.onmessage = (event) => {
    process.stdout.write(event.data + '\n');
    if (++n === expected) {
        source.close();
        process.stdout.end(() => process.exit(0));
    }
};
source.onerror = () => {
    if (n < expected) {
        console.error(`eventsource: error after ${n} events`);
        process.exit(1);
    }
};
