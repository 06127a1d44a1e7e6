"""Password rules beyond Django's own: filled in by the accounts work."""


class CharacterClassesValidator:
    def validate(self, password, user=None):
        pass

    def get_help_text(self):
        return ""


class PasswordHistoryValidator:
    def validate(self, password, user=None):
        pass

    def get_help_text(self):
        return ""
