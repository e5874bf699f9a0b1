/**
 * The ring: one block of memory cut into regions by 8-byte guard words ({@link dev.ringalloc.core.Ring}),
 * and the standalone API on top of it: {@link dev.ringalloc.core.RingAllocator} with fixed, extendable,
 * frozen and typed buffers, and {@link dev.ringalloc.core.Rings}, the thread-local accessor.
 *
 * <h2>Memory ordering: one vocabulary</h2>
 * Every field or word that more than one thread touches says, beside its declaration, who writes it and
 * with which ordering, and is read and written only through accessors named by that ordering (the naming
 * of JCTools):
 * <table>
 *   <caption>Accessor prefixes</caption>
 *   <tr><th>prefix</th><th>access</th><th>{@code VarHandle} mode</th></tr>
 *   <tr><td>{@code lp}</td><td>load plain</td><td>{@code get}</td></tr>
 *   <tr><td>{@code lo}</td><td>load opaque</td><td>{@code getOpaque}</td></tr>
 *   <tr><td>{@code la}</td><td>load acquire</td><td>{@code getAcquire}</td></tr>
 *   <tr><td>{@code lv}</td><td>load volatile</td><td>{@code getVolatile}</td></tr>
 *   <tr><td>{@code sp}</td><td>store plain</td><td>{@code set}</td></tr>
 *   <tr><td>{@code so}</td><td>store ordered (release)</td><td>{@code setRelease}</td></tr>
 *   <tr><td>{@code sv}</td><td>store volatile</td><td>{@code setVolatile}</td></tr>
 *   <tr><td>{@code cas}</td><td>compare-and-set (volatile)</td><td>{@code compareAndSet}</td></tr>
 *   <tr><td>{@code gaa}</td><td>get-and-add (volatile)</td><td>{@code getAndAdd}</td></tr>
 * </table>
 * A plain field with no such accessor belongs to one thread, which the field's comment names.
 */
package dev.ringalloc.core;
