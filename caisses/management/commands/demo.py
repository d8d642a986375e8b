from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from caisses.demo import DEMO_USERS, build_demo, current_year, demo_password


class Command(BaseCommand):
    help = "Crée ou met à jour les données de démonstration (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--regions", type=int, default=3, help="nombre de caisses régionales (défaut : 3)")
        parser.add_argument("--years", type=int, default=5, help="nombre d'exercices (défaut : 5)")
        parser.add_argument("--cpams", type=int, default=None, help="nombre de CPAM par région (défaut : 3 à 5)")

    def handle(self, *args, regions, years, cpams, **options):
        if regions < 1 or years < 1 or (cpams is not None and cpams < 1):
            raise CommandError("--regions, --years et --cpams doivent être au moins égaux à 1.")
        built = build_demo(regions=regions, years=years, cpams_per_region=cpams)
        self.stdout.write(
            self.style.SUCCESS(f"Données de démonstration prêtes : {len(built)} caisses régionales, {years} exercices.")
        )
        self.stdout.write(f"Exercice en cours de saisie : {current_year()} ; les exercices précédents sont validés.")
        self.stdout.write(f"Application : {settings.SITE_URL}/")
        self.stdout.write("Comptes de démonstration (mot de passe = demo- suivi de l'identifiant) :")
        for username, role, _first, _last in DEMO_USERS:
            self.stdout.write(f"  {username:<12} {demo_password(username):<18} {role.label}")
