/* deploy/programs/mapp.yaml in the first program-file format (before issue
 * 17: eight fixed criteria), as deployments stored it; the tests check that
 * it still loads and decides as the expression format does. */
#ifndef PATHWAYS_TEST_ELIG_MAPP_V1_H
#define PATHWAYS_TEST_ELIG_MAPP_V1_H

#define ELIG_MAPP_V1_TEXT                                                                          \
    "program: mapp\n"                                                                              \
    "name: Medical Assistant Pathway Program\n"                                                    \
    "criteria:\n"                                                                                  \
    "  status:\n    in: [active]\n"                                                                \
    "  full_time:\n    employment_types: [full_time]\n    min_hours: 36\n"                         \
    "  job_family:\n    in: [environmental_services, food_service, patient_access, transport,"     \
    " clerical]\n"                                                                                 \
    "  standing:\n    in: [good]\n"                                                                \
    "  tenure:\n    min_days: 90\n"                                                                \
    "  employer_participates: true\n"                                                              \
    "  not_in_program:\n    states: [enrolled, in_training, completed, certified, placed]\n"       \
    "  not_in_target_role:\n    job_families: [medical_assistant]\n"

#endif
