package io.ragline.judge.model;

import io.ragline.model.JsonAnswer;
import jakarta.inject.Singleton;

/** The output guardrail of each {@link MetricPrompts} answer record: the record and the list whose entries count. */
final class JudgeAnswers {

    private JudgeAnswers() {}

    @Singleton
    static class OfStatements extends JsonAnswer<MetricPrompts.Statements> {
        OfStatements() {
            super(MetricPrompts.Statements.class, MetricPrompts.Statements::statements);
        }
    }

    @Singleton
    static class OfVerdicts extends JsonAnswer<MetricPrompts.Verdicts> {
        OfVerdicts() {
            super(MetricPrompts.Verdicts.class, MetricPrompts.Verdicts::verdicts);
        }
    }

    @Singleton
    static class OfQuestions extends JsonAnswer<MetricPrompts.Questions> {
        OfQuestions() {
            super(MetricPrompts.Questions.class, MetricPrompts.Questions::questions);
        }
    }

    @Singleton
    static class OfClassifications extends JsonAnswer<MetricPrompts.Classifications> {
        OfClassifications() {
            super(MetricPrompts.Classifications.class, MetricPrompts.Classifications::classifications);
        }
    }

    @Singleton
    static class OfFindingVerdicts extends JsonAnswer<MetricPrompts.FindingVerdicts> {
        OfFindingVerdicts() {
            super(MetricPrompts.FindingVerdicts.class, MetricPrompts.FindingVerdicts::verdicts);
        }
    }
}
