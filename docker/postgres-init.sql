-- Rasa's tracker store lives in its own database next to the backend's.
CREATE DATABASE rasa OWNER jiuzhu;
