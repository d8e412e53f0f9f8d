package dev.hookline.server.hooks;

import dev.hookline.api.HookContext;
import dev.hookline.api.ServerHooks;
import dev.hookline.api.payload.Update;

/** Listed in a services file a test writes, next to a class that does not exist. */
public class ClasspathProbeHooks implements ServerHooks {
    @Override
    public Update onUpdate(Update update, HookContext context) {
        return update.withPath("from the class path");
    }
}
