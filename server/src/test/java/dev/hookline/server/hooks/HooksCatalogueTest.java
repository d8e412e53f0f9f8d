package dev.hookline.server.hooks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hookline.api.HookContext;
import dev.hookline.api.ServerHooks;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class HooksCatalogueTest {

    @Test
    void everyServerHooksMethodHasExactlyOneDescriptorWithTheRightShape() {
        List<Method> methods = Arrays.stream(ServerHooks.class.getMethods())
                .filter(m -> m.getParameterCount() == 2 && m.getParameterTypes()[1] == HookContext.class)
                .toList();

        assertThat(Hooks.all()).hasSameSizeAs(methods);
        for (Method method : methods) {
            Hook<?> hook = Hooks.byName(method.getName());
            assertThat(hook).as(method.getName()).isNotNull();
            assertThat(hook.payloadType()).isEqualTo(method.getParameterTypes()[0]);
            assertThat(hook.rewrites()).as(method.getName()).isEqualTo(method.getReturnType() != void.class);
        }
    }

    @Test
    void dispatchCallsTheMethodOfEachHook() throws Exception {
        List<String> called = new java.util.ArrayList<>();
        ServerHooks recorder = (ServerHooks) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {ServerHooks.class}, (proxy, method, args) -> {
                    called.add(method.getName());
                    return null;
                });
        for (Hook<?> hook : Hooks.all()) {
            called.clear();
            HookDispatch.call(hook.ordinal(), recorder, null, null);
            assertThat(called).as(hook.name()).containsExactly(hook.name());
        }
    }

    @Test
    void ordinalsAreThePositionsInTheCatalogue() {
        for (int i = 0; i < Hooks.all().size(); i++) {
            assertThat(Hooks.all().get(i).ordinal()).isEqualTo(i);
        }
    }
}
