package dev.kiln.conformance.reliability;

import java.util.concurrent.atomic.AtomicLong;

/** What the reliability suite did in this run, summed over its tests and printed once at the end. */
final class ReliabilityLedger {
    static final AtomicLong BAD_INPUTS = new AtomicLong();
    static final AtomicLong FAULTS_INJECTED = new AtomicLong();
    static final AtomicLong KILLS_SURVIVED = new AtomicLong();
    static final AtomicLong RESUMES_REPRODUCED = new AtomicLong();
    static final AtomicLong STEPS_SOAKED = new AtomicLong();
    static final AtomicLong PROGRAMS_FUZZED = new AtomicLong();
    static final AtomicLong RERUNS_BIT_IDENTICAL = new AtomicLong();
    static final AtomicLong CONCURRENT_REQUESTS = new AtomicLong();
    static final AtomicLong BYTES_LEAKED = new AtomicLong();

    private ReliabilityLedger() {
    }

    static String summary() {
        return "kiln reliability: bad inputs tried " + BAD_INPUTS.get()
                + ", faults injected " + FAULTS_INJECTED.get()
                + ", kills survived " + KILLS_SURVIVED.get()
                + ", resumes reproduced " + RESUMES_REPRODUCED.get()
                + ", steps soaked " + STEPS_SOAKED.get()
                + ", programs fuzzed " + PROGRAMS_FUZZED.get()
                + ", reruns bit-identical " + RERUNS_BIT_IDENTICAL.get()
                + ", concurrent requests matched " + CONCURRENT_REQUESTS.get()
                + ", bytes leaked " + BYTES_LEAKED.get();
    }
}
