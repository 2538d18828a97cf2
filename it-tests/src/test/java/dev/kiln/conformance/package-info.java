/**
 * The Kiln backend conformance suite. Every test drives the backend SPI directly ({@code
 * backend.matmul(view, view, view)}, ...) on every backend found through {@link
 * dev.kiln.api.Backends#providers()} and compares it with an independent naive reference written
 * in plain Java, with PyTorch golden values where they exist ({@code golden/*.json}, made by
 * {@code it-tests/golden/generate_golden.py}) and, for backends other than {@code cpu}, with the CPU
 * backend.
 *
 * <h2>Running the suite on your own backend</h2>
 * <ol>
 *   <li>Make a Maven module that depends on your backend jar and on {@code dev.kiln:it-tests} with
 *       {@code <type>test-jar</type>} (and {@code backend-cpu}, the reference), all in test scope.</li>
 *   <li>Tell Surefire to run the tests of that jar: {@code <dependenciesToScan>dev.kiln:it-tests</dependenciesToScan>}.</li>
 *   <li>Run {@code mvn test -Dkiln.conformance.backends=NAME -Dkiln.require=NAME}: only {@code NAME}
 *       is tested, and it failing to load fails the run instead of skipping it.</li>
 *   <li>Read {@code target/conformance/report.md} (and {@code report.json}): op x backend x dtype,
 *       PASS / FAIL / UNSUPPORTED with the reason, and the largest absolute and relative errors.</li>
 * </ol>
 *
 * <h2>System properties</h2>
 * <ul>
 *   <li>{@code kiln.conformance.backends=cpu,opencl}: test only these backends (default: every provider).</li>
 *   <li>{@code kiln.require=cpu,opencl}: these backends must be available, else their tests fail.</li>
 *   <li>{@code kiln.conformance.requireComplete=true|false}: fail when a tier-1 or tier-2 op is
 *       unsupported for F32 (default: true for {@code cpu}, false for other backends).</li>
 *   <li>{@code kiln.conformance.reportDir}: where the report goes (set by the module's pom).</li>
 * </ul>
 *
 * <h2>Writing a test</h2>
 * A test class carries {@code @ExtendWith(ConformanceExtension.class)}, takes a {@link
 * dev.kiln.conformance.Target} from {@link dev.kiln.conformance.Targets} and opens a {@link
 * dev.kiln.conformance.Case} for the op it checks; the case owns a {@link dev.kiln.api.Scope} for
 * its tensors, records the errors of every comparison, and the extension checks that the backend's
 * live-buffer count returns to where it was.
 */
package dev.kiln.conformance;
