package io.dwcp.jni;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** Package rules of jni/ (issue 13), checked on the compiled main classes. */
@AnalyzeClasses(packages = "io.dwcp.jni", importOptions = ImportOption.DoNotIncludeTests.class)
class JniArchitectureTest {

    /** Every package, the root io.dwcp.jni included, is its own slice ("jni", "jni.internal"). */
    @ArchTest
    static final ArchRule noPackageCycles = slices().matching("io.dwcp.(**)").should().beFreeOfCycles();

    /** The JavaCPP bindings load native code when touched: only the probes, scorers and networks of io.dwcp.jni may. */
    @ArchTest
    static final ArchRule bindingsAreInternal = classes().that().resideInAPackage("io.dwcp.jni.internal..")
            .should().onlyBeAccessed().byClassesThat().resideInAnyPackage("io.dwcp.jni", "io.dwcp.jni.nets",
                    "io.dwcp.jni.internal..");

    /** The bindings know nothing of the Java face (the dependency goes one way). */
    @ArchTest
    static final ArchRule bindingsDependOnNothingAbove = classes().that().resideInAPackage("io.dwcp.jni.internal..")
            .should().onlyDependOnClassesThat().resideOutsideOfPackage("io.dwcp.jni");
}
