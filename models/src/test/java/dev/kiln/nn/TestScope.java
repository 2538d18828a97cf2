package dev.kiln.nn;

import dev.kiln.api.Scope;
import java.lang.reflect.Method;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.InvocationInterceptor;
import org.junit.jupiter.api.extension.ReflectiveInvocationContext;

/**
 * Runs every test method of this module inside a {@link Scope}, so what a test makes without a scope
 * of its own (fixtures, models, losses) is freed when it ends instead of reported by the leak
 * detector when the garbage collector finds it. Registered for every test through
 * {@code META-INF/services} and {@code junit-platform.properties}.
 */
public final class TestScope implements InvocationInterceptor {
    @Override
    public void interceptTestMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> call,
                                    ExtensionContext context) throws Throwable {
        try (Scope ignored = Scope.open()) {
            invocation.proceed();
        }
    }

    @Override
    public void interceptTestTemplateMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> call,
                                            ExtensionContext context) throws Throwable {
        try (Scope ignored = Scope.open()) {
            invocation.proceed();
        }
    }
}
