/* Word lists for the synthetic workforce; see vocab.h. Names are invented
 * (no real institution or person is meant). */
#include "vocab.h"

static const char *const EMPLOYERS[] = {
    "Lakefront Community Health",  "Prairie Ridge Medical Center", "Des Plaines Valley Hospital",
    "Calumet Harbor Health",       "Fox Valley Family Clinics",    "Midway Care Partners",
    "Kedzie Avenue Health Center", "Wabash Street Clinics",        "Evergreen Park Medical Group",
    "Pilsen Neighborhood Health",  "Skokie Lakes Hospital",        "Joliet Riverside Health",
};

static const sy_name_t GIVEN[] = {
    {"Maria", "maria"},         {"José", "jose"},
    {"James", "james"},         {"Aisha", "aisha"},
    {"Tomasz", "tomasz"},       {"Linh", "linh"},
    {"Keisha", "keisha"},       {"Juan", "juan"},
    {"Emily", "emily"},         {"DeShawn", "deshawn"},
    {"Guadalupe", "guadalupe"}, {"Anna", "anna"},
    {"Michael", "michael"},     {"Priya", "priya"},
    {"Luis", "luis"},           {"Fatima", "fatima"},
    {"Robert", "robert"},       {"Ngozi", "ngozi"},
    {"Katarzyna", "katarzyna"}, {"Carlos", "carlos"},
    {"Jasmine", "jasmine"},     {"Wei", "wei"},
    {"Denise", "denise"},       {"Andrés", "andres"},
    {"Tanya", "tanya"},         {"Omar", "omar"},
    {"Brianna", "brianna"},     {"Sofía", "sofia"},
};

static const sy_name_t FAMILY[] = {
    {"Garcia", "garcia"},         {"Johnson", "johnson"},
    {"Nowak", "nowak"},           {"Nguyen", "nguyen"},
    {"Williams", "williams"},     {"Hernández", "hernandez"},
    {"Patel", "patel"},           {"Kowalski", "kowalski"},
    {"Brown", "brown"},           {"Martinez", "martinez"},
    {"Okafor", "okafor"},         {"Jackson", "jackson"},
    {"Lopez", "lopez"},           {"Kim", "kim"},
    {"Washington", "washington"}, {"Rodriguez", "rodriguez"},
    {"Wiśniewski", "wisniewski"}, {"Davis", "davis"},
    {"Ramirez", "ramirez"},       {"Ali", "ali"},
    {"O'Brien", "obrien"},        {"Chen", "chen"},
    {"Flores", "flores"},         {"Thompson", "thompson"},
};

/* Non-clinical families first (MAPP's targets), then clinical ones. */
static const sy_job_t JOBS[] = {
    {"environmental_services",
     14,
     {"Environmental Services Technician", "Housekeeper", "Floor Care Technician"}},
    {"food_service", 10, {"Food Service Worker", "Cook", "Dietary Aide"}},
    {"patient_access", 12, {"Patient Access Representative", "Registration Clerk", "Scheduler"}},
    {"transport", 8, {"Patient Transporter", "Courier", "Patient Transporter"}},
    {"clerical", 10, {"Unit Secretary", "Medical Records Clerk", "Office Assistant"}},
    {"nursing",
     18,
     {"Registered Nurse", "Certified Nursing Assistant", "Licensed Practical Nurse"}},
    {"medical_assistant",
     8,
     {"Medical Assistant", "Certified Medical Assistant", "Medical Assistant"}},
    {"pharmacy", 6, {"Pharmacy Technician", "Pharmacist", "Pharmacy Technician"}},
    {"lab", 8, {"Phlebotomist", "Lab Assistant", "Medical Lab Technician"}},
    {"imaging", 6, {"Radiologic Technologist", "Ultrasound Technician", "MRI Technologist"}},
};

/* Indexed [style][value]; index 0 is the unspecified value. */
static const char *const STATUS_RAW[SY_STYLES][4] = {
    {"", "A", "L", "T"},
    {"", "Active", "Leave of Absence", "Terminated"},
    {"", "ACT", "LOA", "TERM"},
};
static const char *const TYPE_RAW[SY_STYLES][4] = {
    {"Regular", "FT", "PT", "PRN"},
    {"Hourly", "Full Time", "Part Time", "Per Diem"},
    {"R", "F", "P", "D"},
};
static const char *const STANDING_RAW[SY_STYLES][4] = {
    {"", "Good", "Corrective", "Final Warning"},
    {"", "GOOD", "CA", "FW"},
    {"", "good standing", "written warning", "final warning"},
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

size_t sy_employer_names(const char *const **names)
{
    *names = EMPLOYERS;
    return COUNT(EMPLOYERS);
}

size_t sy_given_names(const sy_name_t **names)
{
    *names = GIVEN;
    return COUNT(GIVEN);
}

size_t sy_family_names(const sy_name_t **names)
{
    *names = FAMILY;
    return COUNT(FAMILY);
}

size_t sy_jobs(const sy_job_t **jobs)
{
    *jobs = JOBS;
    return COUNT(JOBS);
}

const char *sy_status_raw(int style, sy_status_t s)
{
    return STATUS_RAW[style % SY_STYLES][(unsigned)s % 4u];
}

const char *sy_type_raw(int style, sy_emp_type_t t)
{
    return TYPE_RAW[style % SY_STYLES][(unsigned)t % 4u];
}

const char *sy_standing_raw(int style, sy_standing_t s)
{
    return STANDING_RAW[style % SY_STYLES][(unsigned)s % 4u];
}
